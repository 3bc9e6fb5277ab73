/*
 * Processes per service: how many processes run the service's code, each
 * with its own connection pools. A service runs as one or more parts (a
 * compose service built from its folder, a Procfile entry, a Dockerfile
 * command); each part has replicas (compose deploy.replicas / scale, a
 * Kubernetes Deployment, the configuration) and workers per replica (the
 * process server's flags: gunicorn -w, uvicorn --workers, celery
 * --concurrency, pm2 -i, Puma -w, or WEB_CONCURRENCY). Every number says
 * where it was declared or that it was assumed. Server models come from the
 * `servers` section of the `pools` pack. The caller owns what it gets.
 */
#ifndef ENVLINT_PROCESSES_H
#define ENVLINT_PROCESSES_H

#include <stdbool.h>
#include <stddef.h>

#include "model/pools.h"
#include "util/error.h"
#include "util/rx.h"
#include "util/vec.h"

struct scan;
struct service;
struct packs;

struct proc_server {
	char *name;
	struct rx *command;
	struct rx *workers, *threads, *all_cpus;
	char *default_workers, *default_threads;
	char *workers_env;
	char *config_file;
	char *threads_directive; /* the threads setting in config_file ("threads", Sidekiq's ":concurrency:") */
};

struct proc_server_set {
	VEC(struct proc_server) servers;
};

/* Build the server models from every `pools` pack. -1 with err on a bad entry. */
int processes_load(struct proc_server_set **out, const struct packs *packs, struct el_error *err);
void processes_free_servers(struct proc_server_set *ss);

/* A count and where it came from (origin.file NULL: assumed). */
struct proc_number {
	long value;
	struct pool_origin origin;
};

struct proc_part {
	char *name;    /* "compose api", "Procfile web", "Dockerfile CMD", "package.json start" */
	char *command; /* the start command, NULL when none is known */
	const char *server; /* the process server's name, NULL when none recognised */
	struct proc_number replicas;
	struct proc_number workers;
	struct proc_number threads;
};

struct service_procs {
	VEC(struct proc_part) parts;
	long total;   /* sum over parts of replicas x workers */
	long threads; /* the most threads per process of any part (1 when none) */
};

/* Kubernetes Deployments and StatefulSets of the repository, read once per scan. */
struct proc_k8s {
	VEC(char *) paths;
	VEC(char *) data; /* parallel to paths: the file's contents */
};

/* Keep the files among extra (YAML the scan does not keep) that hold workloads. */
void processes_k8s_load(struct proc_k8s *out, const struct scan *s, const char *const *extra,
                        size_t nextra);
void processes_k8s_free(struct proc_k8s *k);

/*
 * The processes of svc. k8s holds the repository's Kubernetes workloads (may
 * be NULL). ps supplies the CPU count and the env-read patterns used to read
 * values such as ${WORKERS:-4}.
 */
void processes_find(struct service_procs *out, struct scan *s, const struct service *svc,
                    const struct proc_server_set *ss, const struct pool_set *ps,
                    const struct proc_k8s *k8s);
void processes_service_free(struct service_procs *sp);

#endif
