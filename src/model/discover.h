/*
 * Service discovery: which folders are services (a runtime manifest, a
 * workspace member, a compose build context, or the root of a one-service
 * repository), and which service owns a file (the nearest enclosing one).
 * Services are owned by the scan.
 */
#ifndef ENVLINT_DISCOVER_H
#define ENVLINT_DISCOVER_H

#include "model/scan.h"
#include "model/service.h"

/* Parse the scan's manifests and compose files and fill scan->services. */
void discover_services(struct scan *s);
/* The service owning path (a file or folder relative to the root), or NULL. */
struct service *discover_owner(const struct scan *s, const char *path);
/* The service at exactly this folder, or NULL. */
struct service *discover_find(const struct scan *s, const char *dir);
/* Whether another service lives inside svc's folder (a nested package). */
bool discover_has_nested(const struct scan *s, const struct service *svc);
struct compose_service;
/* The folder of the service a compose service builds (its build context, or
 * the Dockerfile's folder inside it when that folder has a runtime manifest of
 * its own), or NULL when it builds nothing this repository holds; a new string. */
char *discover_compose_dir(const struct scan *s, const char *compose_path,
                           const struct compose_service *cs);
/* The folder part of a relative path ("." for a top-level file); a new string. */
char *path_dirname(const char *path);
/* Join a folder and a relative path, normalising "." and ".."; a new string.
 * The result may start with "../" when it leaves the root. */
char *path_join(const char *dir, const char *rel);
/* Whether path lies inside dir ("." contains everything inside the root). */
bool path_inside(const char *path, const char *dir);
void service_free(struct service *svc);

#endif
