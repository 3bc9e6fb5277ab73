/*
 * Variables a deploy platform sets that are absent from the repository
 * (real-world.md §1.2, §4 trap 5): Render `envVars` whose value comes
 * `fromDatabase`/`fromService`, Heroku `app.json` add-ons, the integration
 * names of Vercel. Which manifests and keys count is data (`platforms:` in
 * rules/loaders.yml). Results go to svc->injected, owned by the service.
 */
#ifndef ENVLINT_PLATFORMS_H
#define ENVLINT_PLATFORMS_H

#include "model/scan.h"
#include "model/service.h"

/* Fill svc->injected from the deploy manifests at the root or in svc's own folders. */
void platforms_detect(struct scan *s, struct service *svc);
/* The platform that injects key into svc, or NULL. */
const struct injected_var *platforms_find(const struct service *svc, const char *key);

#endif
