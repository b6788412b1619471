/*
 * Lists a user's certifications, creates one, and lists them again.
 *
 *   GP_GRAPH_URL=https://graph.microsoft.com/beta GP_TOKEN=eyJ... ./certifications [USER]
 *
 * USER is "me" (the default), an object id, or a user principal name.
 * Build: gcc -I bindings/c certifications.c -L target/debug -lgraph_profile
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_profile.h"

/* Prints the failure of `what` from the thread's last error and returns 1. */
static int report(const char *what, gp_result code) {
    const char *message = gp_last_error_message();
    const char *request_id = gp_last_error_request_id();
    fprintf(stderr, "%s failed: %s (%d): %s\n", what, gp_result_name(code), (int)code,
            message ? message : "");
    if (request_id) fprintf(stderr, "  request-id: %s\n", request_id);
    return 1;
}

/* Builds the ClientConfig JSON for a static token.  JSON-escaping is skipped: URLs and
 * tokens hold no quotes or backslashes. */
static char *config_json(const char *graph_url, const char *token) {
    const char *format = "{\"graphUrl\": \"%s\", \"auth\": {\"type\": \"token\", "
                         "\"token\": \"%s\"}}";
    size_t size = strlen(format) + strlen(graph_url) + strlen(token) + 1;
    char *config = malloc(size);
    if (config) snprintf(config, size, format, graph_url, token);
    return config;
}

int main(int argc, char **argv) {
    const char *user = argc > 1 ? argv[1] : "me";
    const char *graph_url = getenv("GP_GRAPH_URL");
    const char *token = getenv("GP_TOKEN");
    if (!graph_url || !token) {
        fprintf(stderr, "set GP_GRAPH_URL and GP_TOKEN\n");
        return 2;
    }
    if (gp_abi_version() != GP_ABI_VERSION) {
        fprintf(stderr, "libgraph_profile has ABI %u, this program wants %u\n",
                gp_abi_version(), GP_ABI_VERSION);
        return 2;
    }
    printf("libgraph_profile %s\n", gp_version());

    char *config = config_json(graph_url, token);
    gp_client *client = NULL;
    gp_result rc = gp_client_new(config, NULL, NULL, NULL, &client);
    free(config);
    if (rc != GP_OK) return report("gp_client_new", rc);

    int status = 0;
    char *before = NULL;
    rc = gp_list(client, user, "certifications", "{\"select\": [\"id\", \"displayName\"]}",
                 NULL, &before);
    if (rc != GP_OK) {
        status = report("gp_list", rc);
        goto done;
    }
    printf("certifications before: %s\n", before);
    gp_string_free(before);

    const char *draft = "{\"displayName\": \"Microsoft Certified: Azure Administrator\", "
                        "\"issuingAuthority\": \"Microsoft\", \"issuedDate\": \"2025-04-28\", "
                        "\"endDate\": \"2026-04-28\", \"certificationId\": \"AZ-104\"}";
    char *created = NULL;
    rc = gp_create(client, user, "certifications", draft, NULL, &created);
    if (rc != GP_OK) {
        status = report("gp_create", rc);
        goto done;
    }
    printf("created: %s\n", created);
    gp_string_free(created);

    char *after = NULL;
    rc = gp_list(client, user, "certifications", "{\"select\": [\"id\", \"displayName\"]}",
                 NULL, &after);
    if (rc != GP_OK) {
        status = report("gp_list", rc);
        goto done;
    }
    printf("certifications after: %s\n", after);
    gp_string_free(after);

done:
    gp_client_free(client);
    return status;
}
