/*
 * Drives every function of libgraph_profile against a running emulator: happy paths,
 * every result code the ABI can produce from outside, NULL and invalid UTF-8 arguments,
 * double frees, one client used from 8 threads at once, cancellation, and the bulk sync
 * and expiry report.
 *
 * Usage: test_abi BASE_URL   (the emulator's base URL, e.g. http://127.0.0.1:40123)
 * Exit status 0 when every check passed.  Run by tests/suites/30-c-abi.sh, plain, under
 * valgrind, and built with -fsanitize=address.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "graph_profile.h"
#include "http_helper.h"

static const char *base_url;
static char graph_url[256];
static char *admin_token;
static int failures;
static int checks;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        checks++;                                                           \
        if (!(cond)) {                                                      \
            failures++;                                                     \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fprintf(stderr, "\n");                                          \
        }                                                                   \
    } while (0)

/* Checks a call's result code; on a mismatch prints the last error. */
#define EXPECT(call, expected)                                                            \
    do {                                                                                  \
        gp_result rc_ = (call);                                                           \
        checks++;                                                                         \
        if (rc_ != (expected)) {                                                          \
            failures++;                                                                   \
            const char *msg_ = gp_last_error_message();                                   \
            fprintf(stderr, "FAIL %s:%d: %s gave %s (%d), expected %s: %s\n", __FILE__,   \
                    __LINE__, #call, name_of(rc_), (int)rc_, name_of(expected),           \
                    msg_ ? msg_ : "(no message)");                                        \
        }                                                                                 \
    } while (0)

static const char *name_of(int code) {
    const char *name = gp_result_name(code);
    return name ? name : "?";
}

/* True when the thread's last error message contains `part`. */
static bool message_has(const char *part) {
    const char *message = gp_last_error_message();
    return message && strstr(message, part);
}

static double now_seconds(void) {
    struct timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    return (double)at.tv_sec + (double)at.tv_nsec / 1e9;
}

/* A token from the emulator for `user` with `scopes` (space-separated, %20-encoded). */
static char *fetch_token(const char *user, const char *scopes) {
    char path[512];
    snprintf(path, sizeof path, "/emulator/token?user=%s&scopes=%s", user, scopes);
    int status = 0;
    char *body = http_request(base_url, "GET", path, NULL, &status);
    char *token = status == 200 ? json_string_field(body, "access_token") : NULL;
    free(body);
    return token;
}

static void set_emulator_config(const char *json) {
    int status = 0;
    free(http_request(base_url, "POST", "/emulator/config", json, &status));
    CHECK(status == 200, "POST /emulator/config %s answered %d", json, status);
}

/* A client with a static token and the given extra config keys ("" for none). */
static gp_client *client_with_token(const char *token, const char *extra) {
    size_t cap = strlen(token) + strlen(extra) + 512;
    char *config = malloc(cap);
    snprintf(config, cap,
             "{\"graphUrl\": \"%s\", \"authorityUrl\": \"%s\", "
             "\"auth\": {\"type\": \"token\", \"token\": \"%s\"}%s}",
             graph_url, base_url, token, extra);
    gp_client *client = NULL;
    EXPECT(gp_client_new(config, NULL, NULL, NULL, &client), GP_OK);
    free(config);
    return client;
}

/* The value of "id" in an entry's JSON, malloc'd. */
static char *entry_id(const char *json) {
    return json_string_field(json, "id");
}

static const char *CERT_DRAFT =
    "{\"displayName\": \"AZ-104 Azure Administrator\", \"issuingAuthority\": \"Microsoft\", "
    "\"issuedDate\": \"2025-04-28\", \"certificationId\": \"AZ104-C\"}";

/* ---- versions, names, strings ---------------------------------------------------- */

static void test_versions_and_names(void) {
    CHECK(gp_abi_version() == GP_ABI_VERSION, "abi %u", gp_abi_version());
    CHECK(gp_version() && strlen(gp_version()) >= 5, "version");
    CHECK(strcmp(gp_result_name(GP_ERR_NOT_FOUND), "GP_ERR_NOT_FOUND") == 0, "name");
    CHECK(gp_result_name(12345) == NULL, "unknown code has no name");

    char *names = NULL;
    EXPECT(gp_facet_names(&names), GP_OK);
    CHECK(names && strstr(names, "\"certifications\"") && strstr(names, "\"webAccounts\""),
          "facet names %s", names ? names : "(null)");
    EXPECT(gp_string_free(names), GP_OK);
    EXPECT(gp_string_free(names), GP_ERR_INVALID_HANDLE); /* double free is refused */
    EXPECT(gp_string_free(NULL), GP_OK);
    char foreign[] = "not ours";
    EXPECT(gp_string_free(foreign), GP_ERR_INVALID_HANDLE);

    EXPECT(gp_facet_names(NULL), GP_ERR_NULL_ARGUMENT);
    CHECK(gp_last_error_code() == GP_ERR_NULL_ARGUMENT, "last code");
    CHECK(message_has("out_json"), "message names the argument");
    CHECK(gp_last_error_json() && strstr(gp_last_error_json(), "\"code\":100"), "json");
    gp_last_error_clear();
    CHECK(gp_last_error_code() == GP_OK && gp_last_error_message() == NULL, "cleared");
}

/* ---- configuration --------------------------------------------------------------- */

static void test_client_config_errors(void) {
    gp_client *client = (gp_client *)0x1; /* must stay untouched on failure */
    EXPECT(gp_client_new(NULL, NULL, NULL, NULL, &client), GP_ERR_NULL_ARGUMENT);
    CHECK(message_has("config_json"), "names config_json");
    EXPECT(gp_client_new("{}", NULL, NULL, NULL, NULL), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_client_new("{\"cloud\": \"gl\xff\"}", NULL, NULL, NULL, &client),
           GP_ERR_INVALID_UTF8);
    EXPECT(gp_client_new("{\"cloud\": ", NULL, NULL, NULL, &client), GP_ERR_INVALID_JSON);
    EXPECT(gp_client_new("{\"cloud\": \"mars\"}", NULL, NULL, NULL, &client), GP_ERR_CONFIG);
    EXPECT(gp_client_new("{\"graphURL\": \"http://x\"}", NULL, NULL, NULL, &client),
           GP_ERR_CONFIG);
    CHECK(message_has("graphURL"), "names the unknown key: %s", gp_last_error_message());
    EXPECT(gp_client_new("{\"graphUrl\": \"http://graph.example.com/beta\", \"auth\": "
                         "{\"type\": \"token\", \"token\": \"abc\"}}",
                         NULL, NULL, NULL, &client),
           GP_ERR_CONFIG); /* a token over plain http to a remote host */
    EXPECT(gp_client_new("{\"auth\": {\"type\": \"callback\"}}", NULL, NULL, NULL, &client),
           GP_ERR_NULL_ARGUMENT);
    CHECK(message_has("token_callback"), "names token_callback");
    EXPECT(gp_client_new("{\"auth\": {\"type\": \"deviceCode\", \"tenantId\": \"t\", "
                         "\"clientId\": \"c\"}}",
                         NULL, NULL, NULL, &client),
           GP_ERR_NULL_ARGUMENT);
    CHECK(message_has("device_code_callback"), "names device_code_callback");

    size_t big = GP_MAX_JSON_BYTES + 10;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    huge[big] = '\0';
    EXPECT(gp_client_new(huge, NULL, NULL, NULL, &client), GP_ERR_TOO_LARGE);
    free(huge);
    CHECK(client == (gp_client *)0x1, "out_client written on failure");
}

/* ---- happy path: create, get, list, update, delete ----------------------------- */

static void test_facet_round_trip(gp_client *client) {
    char *created = NULL;
    EXPECT(gp_create(client, "admin@contoso.com", "certifications", CERT_DRAFT, NULL,
                     &created),
           GP_OK);
    char *id = created ? entry_id(created) : NULL;
    CHECK(id != NULL, "created entry has an id: %s", created ? created : "(null)");
    gp_string_free(created);
    if (!id) return;

    char *got = NULL;
    EXPECT(gp_get(client, "admin@contoso.com", "certifications", id,
                  "[\"id\", \"displayName\"]", NULL, &got),
           GP_OK);
    CHECK(got && strstr(got, "AZ-104 Azure Administrator"), "get: %s", got ? got : "");
    gp_string_free(got);

    char *listed = NULL;
    EXPECT(gp_list(client, "admin@contoso.com", "Certifications",
                   "{\"select\": [\"id\", \"displayName\"], \"orderBy\": \"displayName\"}",
                   NULL, &listed),
           GP_OK);
    CHECK(listed && listed[0] == '[' && strstr(listed, id), "list holds the entry");
    gp_string_free(listed);

    char *updated = NULL;
    EXPECT(gp_update(client, "admin@contoso.com", "certifications", id,
                     "{\"displayName\": \"AZ-104 (renewed)\"}", NULL, &updated),
           GP_OK);
    CHECK(updated && strstr(updated, "AZ-104 (renewed)"), "update: %s", updated ? updated : "");
    gp_string_free(updated);

    EXPECT(gp_delete(client, "admin@contoso.com", "certifications", id, NULL), GP_OK);

    /* Not found, with the service's detail. */
    char *gone = (char *)0x1;
    EXPECT(gp_get(client, "admin@contoso.com", "certifications", id, NULL, NULL, &gone),
           GP_ERR_NOT_FOUND);
    CHECK(gone == (char *)0x1, "out_json untouched on failure");
    CHECK(gp_last_error_http_status() == 404, "status %u", gp_last_error_http_status());
    CHECK(gp_last_error_graph_code() != NULL, "graph code");
    CHECK(gp_last_error_request_id() != NULL, "request id");
    CHECK(gp_last_error_client_request_id() != NULL, "client request id");
    CHECK(strstr(gp_last_error_json(), "\"httpStatus\":404"), "json %s", gp_last_error_json());
    EXPECT(gp_delete(client, "admin@contoso.com", "certifications", id, NULL),
           GP_ERR_NOT_FOUND);
    free(id);

    /* A success clears the last error. */
    char *names = NULL;
    EXPECT(gp_facet_names(&names), GP_OK);
    gp_string_free(names);
    CHECK(gp_last_error_code() == GP_OK && gp_last_error_json() == NULL, "cleared by success");

    /* "me" with a delegated token. */
    char *mine = NULL;
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &mine), GP_OK);
    gp_string_free(mine);
}

/* ---- bad arguments ---------------------------------------------------------------- */

static void test_bad_arguments(gp_client *client) {
    char *out = (char *)0x1;
    const char *u = "admin@contoso.com";

    EXPECT(gp_list(client, u, "badges", NULL, NULL, &out), GP_ERR_UNKNOWN_FACET);
    CHECK(message_has("badges") && message_has("certifications"), "lists the facets");
    EXPECT(gp_list(client, NULL, "skills", NULL, NULL, &out), GP_ERR_NULL_ARGUMENT);
    CHECK(message_has("'user'"), "names user");
    EXPECT(gp_list(client, u, NULL, NULL, NULL, &out), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_list(client, u, "skills", NULL, NULL, NULL), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_list(NULL, u, "skills", NULL, NULL, &out), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_list(client, "adm\xc3\x28n", "skills", NULL, NULL, &out), GP_ERR_INVALID_UTF8);
    CHECK(message_has("'user'") && message_has("offset 3"), "utf8 %s", gp_last_error_message());
    EXPECT(gp_list(client, u, "skills", "{\"top\": ", NULL, &out), GP_ERR_INVALID_JSON);
    EXPECT(gp_list(client, u, "skills", "{\"topp\": 3}", NULL, &out), GP_ERR_INVALID_JSON);
    CHECK(message_has("topp"), "names the unknown key");
    EXPECT(gp_list(client, u, "skills", "{\"top\": \"three\"}", NULL, &out),
           GP_ERR_INVALID_JSON);
    EXPECT(gp_list(client, u, "skills", "[1]", NULL, &out), GP_ERR_INVALID_JSON);

    EXPECT(gp_get(client, u, "skills", "", NULL, NULL, &out), GP_ERR_INVALID_ARGUMENT);
    EXPECT(gp_get(client, u, "skills", NULL, NULL, NULL, &out), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_get(client, u, "skills", "x", "\"id\"", NULL, &out), GP_ERR_INVALID_JSON);
    EXPECT(gp_get(client, u, "sk\xffills", "x", NULL, NULL, &out), GP_ERR_INVALID_UTF8);

    char long_id[GP_MAX_NAME_BYTES + 2];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    EXPECT(gp_get(client, u, "skills", long_id, NULL, NULL, &out), GP_ERR_TOO_LARGE);

    EXPECT(gp_create(client, u, "certifications", "{\"displayName\": ", NULL, &out),
           GP_ERR_INVALID_JSON);
    EXPECT(gp_create(client, u, "certifications", NULL, NULL, &out), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_create(client, u, "certifications", "{\"issuingAuthority\": \"Microsoft\"}",
                     NULL, &out),
           GP_ERR_VALIDATION);
    CHECK(message_has("certifications.displayName"), "names the field: %s",
          gp_last_error_message());
    CHECK(strstr(gp_last_error_json(), "\"field\":\"displayName\""), "field in json");
    EXPECT(gp_create(client, u, "certifications",
                     "{\"displayName\": \"x\", \"issuedDate\": \"28/04/2025\"}", NULL, &out),
           GP_ERR_VALIDATION);
    CHECK(message_has("issuedDate"), "names issuedDate: %s", gp_last_error_message());

    size_t big = GP_MAX_JSON_BYTES + 1;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    EXPECT(gp_create(client, u, "certifications", huge, NULL, &out), GP_ERR_TOO_LARGE);
    free(huge);

    EXPECT(gp_update(client, u, "certifications", "x", "nope", NULL, &out),
           GP_ERR_INVALID_JSON);
    EXPECT(gp_update(client, u, "certifications", "x", "{}", NULL, NULL), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_delete(client, u, "certifications", NULL, NULL), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_delete(client, u, "nope", "x", NULL), GP_ERR_UNKNOWN_FACET);
    EXPECT(gp_batch(client, NULL, NULL, &out), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_batch(client, "{}", NULL, &out), GP_ERR_INVALID_JSON);
    EXPECT(gp_batch(client, "[{\"id\": \"1\", \"operation\": \"frob\", \"user\": \"me\", "
                            "\"facet\": \"skills\"}]",
                    NULL, &out),
           GP_ERR_INVALID_JSON);
    EXPECT(gp_batch(client, "[{\"id\": \"1\", \"operation\": \"list\", \"user\": \"me\", "
                            "\"facet\": \"badges\"}]",
                    NULL, &out),
           GP_ERR_UNKNOWN_FACET);
    CHECK(out == (char *)0x1, "out_json untouched after every failure");

    EXPECT(gp_set_log_callback(NULL, NULL, 9), GP_ERR_INVALID_ARGUMENT);
}

/* ---- handles ----------------------------------------------------------------------- */

/* Validation without a client or a request: drafts and patches as create and update
 * would check them, and the out-parameter untouched on failure. */
static void test_checks(void) {
    char *out = NULL;
    EXPECT(gp_check_draft("certifications",
                          "{\"displayName\": \"CKA\", \"id\": \"x\", "
                          "\"issuedDate\": \"2025-04-28\"}",
                          &out),
           GP_OK);
    CHECK(out && strstr(out, "\"displayName\":\"CKA\""), "the draft comes back: %s", out);
    CHECK(out && !strstr(out, "\"id\""), "service-set fields dropped: %s", out);
    EXPECT(gp_string_free(out), GP_OK);

    out = NULL;
    EXPECT(gp_check_draft("certifications",
                          "{\"displayName\": \"x\", \"issuedDate\": \"2025-04-28\", "
                          "\"endDate\": \"2024-01-01\"}",
                          &out),
           GP_ERR_VALIDATION);
    CHECK(out == NULL, "out untouched on failure");
    CHECK(strstr(gp_last_error_json(), "\"field\":\"endDate\""), "names endDate: %s",
          gp_last_error_json());
    EXPECT(gp_check_draft("emails", "{\"displayName\": \"work\"}", &out), GP_ERR_VALIDATION);
    CHECK(message_has("address"), "names address: %s", gp_last_error_message());
    EXPECT(gp_check_draft("badges", "{}", &out), GP_ERR_UNKNOWN_FACET);
    EXPECT(gp_check_draft("awards", "{\"displayName\": ", &out), GP_ERR_INVALID_JSON);
    EXPECT(gp_check_draft(NULL, "{}", &out), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_check_draft("awards", "{}", NULL), GP_ERR_NULL_ARGUMENT);

    EXPECT(gp_check_patch("certifications", "{\"description\": null}", &out), GP_OK);
    CHECK(out && strstr(out, "\"description\":null"), "a clearing null is kept: %s", out);
    EXPECT(gp_string_free(out), GP_OK);
    out = NULL;
    EXPECT(gp_check_patch("awards", "{\"allowedAudiences\": \"planet\"}", &out),
           GP_ERR_VALIDATION);
    CHECK(message_has("allowedAudiences"), "names the audience: %s", gp_last_error_message());
    EXPECT(gp_check_patch("awards", NULL, &out), GP_ERR_NULL_ARGUMENT);
    CHECK(out == NULL, "out untouched on failure");
}

static void test_handles(void) {
    gp_client *client = client_with_token(admin_token, "");
    EXPECT(gp_client_free(client), GP_OK);
    char *out = NULL;
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_ERR_INVALID_HANDLE);
    CHECK(message_has("gp_client"), "names the type: %s", gp_last_error_message());
    EXPECT(gp_client_free(client), GP_ERR_INVALID_HANDLE);
    EXPECT(gp_client_free(NULL), GP_OK);
    EXPECT(gp_list((gp_client *)0x12345678, "me", "skills", NULL, NULL, &out),
           GP_ERR_INVALID_HANDLE);

    gp_cancel_token *token = NULL;
    EXPECT(gp_cancel_token_new(&token), GP_OK);
    EXPECT(gp_list((gp_client *)token, "me", "skills", NULL, NULL, &out),
           GP_ERR_INVALID_HANDLE); /* a handle of another type */
    bool cancelled = true;
    EXPECT(gp_cancel_token_is_cancelled(token, &cancelled), GP_OK);
    CHECK(!cancelled, "new token not cancelled");
    EXPECT(gp_cancel_token_is_cancelled(token, NULL), GP_ERR_NULL_ARGUMENT);
    EXPECT(gp_cancel_token_free(token), GP_OK);
    EXPECT(gp_cancel_token_free(token), GP_ERR_INVALID_HANDLE);
    EXPECT(gp_cancel_token_cancel(token), GP_ERR_INVALID_HANDLE);
    EXPECT(gp_cancel_token_free(NULL), GP_OK);
    EXPECT(gp_cancel_token_new(NULL), GP_ERR_NULL_ARGUMENT);

    gp_client *live = client_with_token(admin_token, "");
    EXPECT(gp_list(live, "me", "skills", NULL, (gp_cancel_token *)live, &out),
           GP_ERR_INVALID_HANDLE); /* a client given as the cancel token */
    CHECK(message_has("'cancel'"), "names cancel");
    EXPECT(gp_client_free(live), GP_OK);
}

/* ---- service and connection failures ------------------------------------------------ */

static void test_service_failures(void) {
    char *out = NULL;

    gp_client *bad = client_with_token("not-a-token", "");
    EXPECT(gp_list(bad, "me", "skills", NULL, NULL, &out), GP_ERR_UNAUTHORIZED);
    CHECK(gp_last_error_http_status() == 401, "401");
    gp_client_free(bad);

    char *reader_token = fetch_token("adele.vance@contoso.com", "User.Read");
    CHECK(reader_token != NULL, "reader token");
    if (reader_token) {
        gp_client *reader = client_with_token(reader_token, "");
        EXPECT(gp_create(reader, "me", "certifications", CERT_DRAFT, NULL, &out),
               GP_ERR_FORBIDDEN);
        CHECK(gp_last_error_http_status() == 403, "403");
        gp_client_free(reader);
        free(reader_token);
    }

    const char *no_retry = ", \"retry\": {\"maxRetries\": 0}";
    gp_client *client = client_with_token(admin_token, no_retry);

    set_emulator_config("{\"inject\": [{\"on\": \"read\", \"fault\": \"throttle\", "
                        "\"count\": 1}]}");
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_ERR_THROTTLED);
    CHECK(gp_last_error_http_status() == 429, "429");

    set_emulator_config("{\"inject\": [{\"on\": \"read\", \"fault\": \"error\", "
                        "\"status\": 500, \"count\": 1}]}");
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_ERR_SERVICE);
    CHECK(gp_last_error_http_status() == 500, "500");

    set_emulator_config("{\"inject\": [{\"on\": \"write\", \"fault\": \"error\", "
                        "\"status\": 409, \"count\": 1}]}");
    EXPECT(gp_create(client, "me", "awards", "{\"displayName\": \"Conflicted\"}", NULL, &out),
           GP_ERR_CONFLICT);
    set_emulator_config("{\"inject\": []}");
    gp_client_free(client);

    /* Nothing listens on port 9 of loopback. */
    gp_client *nowhere = NULL;
    EXPECT(gp_client_new("{\"graphUrl\": \"http://127.0.0.1:9/beta\", "
                         "\"retry\": {\"maxRetries\": 0}}",
                         NULL, NULL, NULL, &nowhere),
           GP_OK);
    EXPECT(gp_list(nowhere, "me", "skills", NULL, NULL, &out), GP_ERR_TRANSPORT);
    CHECK(gp_last_error_http_status() == 0, "no status without an answer");
    gp_client_free(nowhere);

    set_emulator_config("{\"latency\": {\"ms\": 1500}}");
    gp_client *impatient = client_with_token(admin_token,
                                             ", \"timeoutMs\": 200, \"retry\": "
                                             "{\"maxRetries\": 0}");
    EXPECT(gp_list(impatient, "me", "skills", NULL, NULL, &out), GP_ERR_TIMEOUT);
    gp_client_free(impatient);
    set_emulator_config("{\"latency\": {\"ms\": 0}}");
}

/* ---- batch ----------------------------------------------------------------------------- */

static void test_batch(gp_client *client) {
    char *out = NULL;
    EXPECT(gp_batch(client,
                    "[{\"id\": \"a\", \"operation\": \"create\", \"user\": \"me\", "
                    "\"facet\": \"awards\", \"body\": {\"displayName\": \"Batch award\"}},"
                    " {\"id\": \"b\", \"operation\": \"list\", \"user\": \"me\", "
                    "\"facet\": \"awards\", \"query\": {\"top\": 5}, \"dependsOn\": [\"a\"]},"
                    " {\"id\": \"c\", \"operation\": \"get\", \"user\": \"me\", "
                    "\"facet\": \"awards\", \"entryId\": \"no-such-entry\"},"
                    " {\"id\": \"d\", \"operation\": \"delete\", \"user\": \"me\", "
                    "\"facet\": \"awards\", \"entryId\": \"no-such-entry\", "
                    "\"dependsOn\": [\"c\"]},"
                    " {\"id\": \"e\", \"method\": \"GET\", \"url\": \"/me/profile/skills\"}]",
                    NULL, &out),
           GP_OK);
    CHECK(out && strstr(out, "Batch award"), "batch created: %s", out ? out : "");
    CHECK(out && strstr(out, "\"status\":404"), "c is 404");
    CHECK(out && strstr(out, "\"status\":424"), "d is 424");
    CHECK(out && strstr(out, "\"code\":306"), "d carries GP_ERR_FAILED_DEPENDENCY");
    CHECK(out && strstr(out, "\"name\":\"GP_ERR_NOT_FOUND\""), "c carries GP_ERR_NOT_FOUND");

    /* Clean up the created award. */
    char *award = out ? strstr(out, "Batch award") : NULL;
    if (award) {
        char *created_body = out;
        char *id = entry_id(strstr(created_body, "\"body\""));
        if (id) {
            EXPECT(gp_delete(client, "me", "awards", id, NULL), GP_OK);
            free(id);
        }
    }
    gp_string_free(out);
}

/* ---- cancellation ------------------------------------------------------------------- */

struct cancel_job {
    gp_client *client;
    gp_cancel_token *token;
    gp_result result;
    double seconds;
};

static void *slow_list(void *arg) {
    struct cancel_job *job = arg;
    char *out = NULL;
    double start = now_seconds();
    job->result = gp_list(job->client, "me", "skills", NULL, job->token, &out);
    job->seconds = now_seconds() - start;
    gp_string_free(out);
    return NULL;
}

static void test_cancellation(gp_client *client) {
    gp_cancel_token *token = NULL;
    EXPECT(gp_cancel_token_new(&token), GP_OK);
    EXPECT(gp_cancel_token_cancel(token), GP_OK);
    char *out = NULL;
    EXPECT(gp_list(client, "me", "skills", NULL, token, &out), GP_ERR_CANCELLED);
    EXPECT(gp_cancel_token_free(token), GP_OK);

    /* A running call cancelled from another thread returns long before its answer. */
    set_emulator_config("{\"latency\": {\"ms\": 4000}}");
    struct cancel_job job = {client, NULL, GP_OK, 0};
    EXPECT(gp_cancel_token_new(&job.token), GP_OK);
    pthread_t thread;
    pthread_create(&thread, NULL, slow_list, &job);
    usleep(300 * 1000);
    EXPECT(gp_cancel_token_cancel(job.token), GP_OK);
    pthread_join(thread, NULL);
    CHECK(job.result == GP_ERR_CANCELLED, "cancelled call gave %s", name_of(job.result));
    CHECK(job.seconds < 3.0, "cancelled after %.2f s", job.seconds);
    bool cancelled = false;
    EXPECT(gp_cancel_token_is_cancelled(job.token, &cancelled), GP_OK);
    CHECK(cancelled, "token reports cancelled");
    EXPECT(gp_cancel_token_free(job.token), GP_OK);
    set_emulator_config("{\"latency\": {\"ms\": 0}}");
}

/* A client freed while another thread's call runs on it: the call finishes normally,
 * and the handle is dead from the moment gp_client_free returned. */
static void test_free_while_in_use(void) {
    gp_client *client = client_with_token(admin_token, "");
    set_emulator_config("{\"latency\": {\"ms\": 1000}}");
    struct cancel_job job = {client, NULL, GP_ERR_INTERNAL, 0};
    pthread_t thread;
    pthread_create(&thread, NULL, slow_list, &job);
    usleep(400 * 1000); /* the call is on the wire by now, even under valgrind */
    EXPECT(gp_client_free(client), GP_OK);
    char *out = NULL;
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_ERR_INVALID_HANDLE);
    pthread_join(thread, NULL);
    CHECK(job.result == GP_OK, "the running call gave %s", name_of(job.result));
    set_emulator_config("{\"latency\": {\"ms\": 0}}");
}

/* ---- one client, 8 threads ---------------------------------------------------------- */

struct thread_job {
    gp_client *client;
    int index;
    int failures;
};

static void *worker(void *arg) {
    struct thread_job *job = arg;
    for (int round = 0; round < 3; round++) {
        char name[64], draft[256];
        snprintf(name, sizeof name, "Thread %d round %d", job->index, round);
        snprintf(draft, sizeof draft, "{\"displayName\": \"%s\", \"issuingAuthority\": \"T\"}",
                 name);
        char *created = NULL;
        if (gp_create(job->client, "me", "certifications", draft, NULL, &created) != GP_OK) {
            fprintf(stderr, "thread %d create: %s\n", job->index, gp_last_error_message());
            job->failures++;
            continue;
        }
        char *id = entry_id(created);
        gp_string_free(created);
        char *got = NULL;
        if (gp_get(job->client, "me", "certifications", id, NULL, NULL, &got) != GP_OK ||
            !strstr(got, name)) {
            job->failures++;
        }
        gp_string_free(got);
        char *listed = NULL;
        if (gp_list(job->client, "me", "certifications", NULL, NULL, &listed) != GP_OK ||
            !strstr(listed, id)) {
            job->failures++;
        }
        gp_string_free(listed);
        if (gp_delete(job->client, "me", "certifications", id, NULL) != GP_OK) job->failures++;
        /* A failure on this thread must not show up as another thread's last error. */
        if (gp_last_error_code() != GP_OK) job->failures++;
        free(id);
    }
    return NULL;
}

static void test_threads(gp_client *client) {
    pthread_t threads[8];
    struct thread_job jobs[8];
    for (int i = 0; i < 8; i++) {
        jobs[i] = (struct thread_job){client, i, 0};
        pthread_create(&threads[i], NULL, worker, &jobs[i]);
    }
    /* Meanwhile this thread fails on purpose: its last error stays its own. */
    char *out = NULL;
    EXPECT(gp_list(client, "me", "badges", NULL, NULL, &out), GP_ERR_UNKNOWN_FACET);
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        CHECK(jobs[i].failures == 0, "thread %d had %d failures", i, jobs[i].failures);
    }
    CHECK(gp_last_error_code() == GP_ERR_UNKNOWN_FACET, "main thread's error kept");
}

/* ---- token callback ------------------------------------------------------------------ */

struct token_state {
    atomic_int calls;
    int mode; /* 0 answer the token, 1 answer an error, 2 answer nothing */
    gp_token_sink *kept_sink;
    gp_result reentrant_result;
    gp_result second_answer;
};

static void give_token(void *user_data, gp_token_sink *sink) {
    struct token_state *state = user_data;
    atomic_fetch_add(&state->calls, 1);
    state->kept_sink = sink;
    if (state->mode == 0) {
        gp_token_sink_set_token(sink, admin_token);
        state->second_answer = gp_token_sink_set_token(sink, admin_token);
    } else if (state->mode == 1) {
        gp_token_sink_set_error(sink, "the vault is locked");
    }
    /* Callbacks must not call client functions: they are refused, not deadlocked. */
    char *out = NULL;
    state->reentrant_result = gp_list((gp_client *)0x1, "me", "skills", NULL, NULL, &out);
}

static void test_token_callback(void) {
    struct token_state state = {0};
    char config[512];
    snprintf(config, sizeof config,
             "{\"graphUrl\": \"%s\", \"auth\": {\"type\": \"callback\"}}", graph_url);
    gp_client *client = NULL;
    EXPECT(gp_client_new(config, give_token, NULL, &state, &client), GP_OK);
    char *out = NULL;
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_OK);
    gp_string_free(out);
    CHECK(atomic_load(&state.calls) >= 1, "callback called");
    CHECK(state.reentrant_result == GP_ERR_REENTRANT_CALL, "re-entry gave %s",
          name_of(state.reentrant_result));
    CHECK(state.second_answer == GP_ERR_INVALID_ARGUMENT, "second answer refused");
    EXPECT(gp_token_sink_set_token(state.kept_sink, admin_token), GP_ERR_INVALID_HANDLE);
    EXPECT(gp_token_sink_set_token(NULL, admin_token), GP_ERR_NULL_ARGUMENT);

    state.mode = 1;
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_ERR_UNAUTHORIZED);
    CHECK(message_has("the vault is locked"), "host message: %s", gp_last_error_message());
    state.mode = 2;
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_ERR_UNAUTHORIZED);
    EXPECT(gp_client_free(client), GP_OK);
}

/* ---- device code and client credentials ---------------------------------------------- */

static atomic_int prompts;

static void show_prompt(void *user_data, const char *prompt_json) {
    (void)user_data;
    atomic_fetch_add(&prompts, 1);
    char *user_code = json_string_field(prompt_json, "userCode");
    CHECK(user_code != NULL, "prompt has userCode: %s", prompt_json);
    CHECK(strstr(prompt_json, "\"verificationUri\""), "prompt has the URI");
    if (!user_code) return;
    /* The "user" signs in: approve the code, as a person would in the browser. */
    char body[256];
    snprintf(body, sizeof body, "{\"user_code\": \"%s\", \"user\": \"admin@contoso.com\"}",
             user_code);
    int status = 0;
    free(http_request(base_url, "POST", "/emulator/devicecode/approve", body, &status));
    CHECK(status == 200, "approve answered %d", status);
    free(user_code);
}

static void test_device_code_and_client_credentials(void) {
    set_emulator_config("{\"auth\": {\"deviceCodeIntervalSeconds\": 1, \"apps\": "
                        "[{\"clientId\": \"c-abi-app\", \"clientSecret\": \"s3cret\"}]}}");
    char config[768];
    snprintf(config, sizeof config,
             "{\"graphUrl\": \"%s\", \"authorityUrl\": \"%s\", \"auth\": {\"type\": "
             "\"deviceCode\", \"tenantId\": \"8f5c2d3e-0b1a-4c6d-9e7f-123456789abc\", "
             "\"clientId\": \"c-abi-app\", \"scopes\": [\"User.ReadWrite.All\"]}}",
             graph_url, base_url);
    gp_client *client = NULL;
    EXPECT(gp_client_new(config, NULL, show_prompt, NULL, &client), GP_OK);
    char *out = NULL;
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_OK);
    gp_string_free(out);
    CHECK(atomic_load(&prompts) == 1, "one prompt, got %d", atomic_load(&prompts));
    gp_client_free(client);

    snprintf(config, sizeof config,
             "{\"graphUrl\": \"%s\", \"authorityUrl\": \"%s\", \"auth\": {\"type\": "
             "\"clientCredentials\", \"tenantId\": \"8f5c2d3e-0b1a-4c6d-9e7f-123456789abc\", "
             "\"clientId\": \"c-abi-app\", \"clientSecret\": \"s3cret\"}}",
             graph_url, base_url);
    EXPECT(gp_client_new(config, NULL, NULL, NULL, &client), GP_OK);
    EXPECT(gp_list(client, "admin@contoso.com", "skills", NULL, NULL, &out), GP_OK);
    gp_string_free(out);
    gp_client_free(client);
    set_emulator_config("{\"auth\": {}}");
}

/* ---- logging -------------------------------------------------------------------------- */

struct log_state {
    atomic_int events;
    atomic_int with_target;
    atomic_int leaked_token;
    atomic_int reentry_refused;
};

static void on_log(void *user_data, gp_log_level level, const char *target,
                   const char *message) {
    struct log_state *state = user_data;
    atomic_fetch_add(&state->events, 1);
    if (level >= GP_LOG_ERROR && level <= GP_LOG_TRACE && strstr(target, "graph_profile"))
        atomic_fetch_add(&state->with_target, 1);
    if (strstr(message, admin_token)) atomic_fetch_add(&state->leaked_token, 1);
    /* Changing the callback from inside it is refused rather than deadlocking. */
    if (gp_set_log_callback(NULL, NULL, GP_LOG_OFF) == GP_ERR_REENTRANT_CALL)
        atomic_fetch_add(&state->reentry_refused, 1);
}

static void test_logging(gp_client *client) {
    struct log_state state = {0};
    EXPECT(gp_set_log_callback(on_log, &state, GP_LOG_TRACE), GP_OK);
    char *out = NULL;
    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_OK);
    gp_string_free(out);
    EXPECT(gp_set_log_callback(NULL, NULL, GP_LOG_OFF), GP_OK);
    int seen = atomic_load(&state.events);
    CHECK(seen > 0, "log events arrived");
    CHECK(atomic_load(&state.with_target) > 0, "events name a graph_profile target");
    CHECK(atomic_load(&state.leaked_token) == 0, "no token in any event");
    CHECK(atomic_load(&state.reentry_refused) == seen, "re-entry refused in every event");

    EXPECT(gp_list(client, "me", "skills", NULL, NULL, &out), GP_OK);
    gp_string_free(out);
    CHECK(atomic_load(&state.events) == seen, "no events after the callback was removed");
}

/* ---- sync and the expiry report --------------------------------------------------- */

/* How many times `needle` occurs in `text` (0 for NULL). */
static int count_of(const char *text, const char *needle) {
    int count = 0;
    for (const char *at = text; at && (at = strstr(at, needle)) != NULL; at += strlen(needle)) {
        count++;
    }
    return count;
}

/* A sync request for SYNC_USER's certifications: two good rows (one expired on
 * 2026-11-01, one expiring on 2026-12-20) and a bad one (an impossible date), named with
 * this process's id so the three runs of this program share the emulator. */
#define SYNC_USER "adele.vance@contoso.com"

static char *sync_request(const char *extra) {
    char *request = malloc(1024);
    int pid = (int)getpid();
    snprintf(request, 1024,
             "{\"input\": \"user,displayName,issuingAuthority,endDate\\n"
             SYNC_USER ",Sync old %d,Contoso,2026-11-01\\n"
             SYNC_USER ",Sync bad %d,Contoso,2026-02-30\\n"
             SYNC_USER ",Sync soon %d,Contoso,2026-12-20\\n\", "
             "\"format\": \"csv\", \"facet\": \"certifications\"%s}",
             pid, pid, pid, extra);
    return request;
}

/* How many of this run's good rows the emulator holds for SYNC_USER. */
static int synced_entries(gp_client *client) {
    char *listed = NULL;
    EXPECT(gp_list(client, SYNC_USER, "certifications", NULL, NULL, &listed), GP_OK);
    char old_name[64], soon_name[64];
    snprintf(old_name, sizeof old_name, "Sync old %d", (int)getpid());
    snprintf(soon_name, sizeof soon_name, "Sync soon %d", (int)getpid());
    int count = count_of(listed, old_name) + count_of(listed, soon_name);
    gp_string_free(listed);
    return count;
}

struct sync_job {
    gp_client *client;
    const char *request;
    gp_cancel_token *token;
    gp_result result;
    double seconds;
};

static void *slow_apply(void *arg) {
    struct sync_job *job = arg;
    char *out = NULL;
    double start = now_seconds();
    job->result = gp_sync_apply(job->client, job->request, job->token, &out);
    job->seconds = now_seconds() - start;
    gp_string_free(out);
    return NULL;
}

static void test_sync(gp_client *client) {
    char *request = sync_request("");
    char journal[] = "/tmp/gp-test-journal-XXXXXX";
    int fd = mkstemp(journal);
    CHECK(fd >= 0, "mkstemp");
    close(fd);
    unlink(journal); /* the core makes it; only the name was wanted */
    char extra[128];
    snprintf(extra, sizeof extra, ", \"journal\": \"%s\"", journal);
    char *journaled = sync_request(extra);

    /* The plan: two creates and the bad row, and nothing written. */
    char *plan = NULL;
    EXPECT(gp_sync_plan(client, request, NULL, &plan), GP_OK);
    CHECK(count_of(plan, "\"action\":\"create\"") == 2, "plan: %s", plan ? plan : "");
    CHECK(count_of(plan, "\"line\":3") == 1 && strstr(plan, "\"badRows\":1"),
          "the bad row is reported: %s", plan ? plan : "");
    gp_string_free(plan);
    CHECK(synced_entries(client) == 0, "a plan writes nothing");

    /* A cancelled token: GP_ERR_CANCELLED and nothing written. */
    gp_cancel_token *token = NULL;
    EXPECT(gp_cancel_token_new(&token), GP_OK);
    EXPECT(gp_cancel_token_cancel(token), GP_OK);
    char *out = (char *)0x1;
    EXPECT(gp_sync_apply(client, request, token, &out), GP_ERR_CANCELLED);
    CHECK(out == (char *)0x1, "out_json untouched on failure");
    EXPECT(gp_cancel_token_free(token), GP_OK);
    CHECK(synced_entries(client) == 0, "a cancelled apply writes nothing");

    /* Cancelled while running, from another thread: back long before the answers. */
    set_emulator_config("{\"latency\": {\"ms\": 4000}}");
    struct sync_job job = {client, request, NULL, GP_OK, 0};
    EXPECT(gp_cancel_token_new(&job.token), GP_OK);
    pthread_t thread;
    pthread_create(&thread, NULL, slow_apply, &job);
    usleep(300 * 1000);
    EXPECT(gp_cancel_token_cancel(job.token), GP_OK);
    pthread_join(thread, NULL);
    CHECK(job.result == GP_ERR_CANCELLED, "cancelled apply gave %s", name_of(job.result));
    CHECK(job.seconds < 3.0, "cancelled after %.2f s", job.seconds);
    EXPECT(gp_cancel_token_free(job.token), GP_OK);
    set_emulator_config("{\"latency\": {\"ms\": 0}}");

    /* The apply: the good rows land, the bad one is reported, the call succeeds. */
    char *report = NULL;
    EXPECT(gp_sync_apply(client, journaled, NULL, &report), GP_OK);
    CHECK(count_of(report, "\"outcome\":\"created\"") == 2, "apply: %s", report ? report : "");
    CHECK(strstr(report, "\"interrupted\":false") && strstr(report, "2026-02-30"),
          "the bad row is in the report: %s", report ? report : "");
    gp_string_free(report);
    CHECK(synced_entries(client) == 2, "both good rows are stored");

    /* Again with the journal: the earlier run's writes; without: unchanged. */
    EXPECT(gp_sync_apply(client, journaled, NULL, &report), GP_OK);
    CHECK(count_of(report, "\"earlierRun\":true") == 2, "rerun: %s", report ? report : "");
    gp_string_free(report);
    EXPECT(gp_sync_apply(client, request, NULL, &report), GP_OK);
    CHECK(count_of(report, "\"outcome\":\"unchanged\"") == 2, "third run: %s",
          report ? report : "");
    CHECK(strstr(report, "\"created\":0") != NULL, "nothing created: %s", report ? report : "");
    gp_string_free(report);
    CHECK(synced_entries(client) == 2, "no duplicates");
    unlink(journal);

    /* The expiry report for that user, on a fixed day: one expired, one expiring. */
    char *expiry = NULL;
    EXPECT(gp_expiry_report(client,
                            "{\"users\": [\"" SYNC_USER "\"], \"withinDays\": 30, "
                            "\"includeExpired\": true, \"asOf\": \"2026-12-03\"}",
                            NULL, &expiry),
           GP_OK);
    char old_name[64], soon_name[64];
    snprintf(old_name, sizeof old_name, "\"displayName\":\"Sync old %d\"", (int)getpid());
    snprintf(soon_name, sizeof soon_name, "\"displayName\":\"Sync soon %d\"", (int)getpid());
    const char *old_row = expiry ? strstr(expiry, old_name) : NULL;
    const char *soon_row = expiry ? strstr(expiry, soon_name) : NULL;
    CHECK(old_row && soon_row, "both listed: %s", expiry ? expiry : "");
    CHECK(strstr(expiry, "\"usersRead\":1") && strstr(expiry, "\"asOf\":\"2026-12-03\""),
          "report header: %s", expiry ? expiry : "");
    CHECK(strstr(expiry, "\"status\":\"expired\"") && strstr(expiry, "\"daysLeft\":17"),
          "statuses: %s", expiry ? expiry : "");
    gp_string_free(expiry);

    /* Without expired ones, and for the whole tenant (users left out). */
    EXPECT(gp_expiry_report(client, "{\"includeExpired\": false, \"asOf\": \"2026-12-03\"}",
                            NULL, &expiry),
           GP_OK);
    CHECK(expiry && strstr(expiry, soon_name) && !strstr(expiry, old_name) &&
              !strstr(expiry, "\"status\":\"expired\"") && !strstr(expiry, "\"usersRead\":1,"),
          "tenant report: %s", expiry ? expiry : "");
    gp_string_free(expiry);

    /* Prune: the user's certifications not in the input are deleted. */
    const char *keep =
        "{\"entries\": [{\"user\": \"" SYNC_USER "\", \"facet\": \"certifications\", "
        "\"displayName\": \"Kept by prune\", \"issuingAuthority\": \"Contoso\"}], "
        "\"prune\": true}";
    EXPECT(gp_sync_plan(client, keep, NULL, &plan), GP_OK);
    CHECK(count_of(plan, "\"action\":\"delete\"") >= 2, "prune plan: %s", plan ? plan : "");
    gp_string_free(plan);
    EXPECT(gp_sync_apply(client, keep, NULL, &report), GP_OK);
    CHECK(count_of(report, "\"outcome\":\"deleted\"") >= 2, "prune: %s", report ? report : "");
    gp_string_free(report);
    CHECK(synced_entries(client) == 0, "pruned");

    free(request);
    free(journaled);
}

static void test_sync_bad_requests(gp_client *client) {
    char *out = (char *)0x1;
    gp_result (*calls[3])(const gp_client *, const char *, const gp_cancel_token *, char **) = {
        gp_sync_plan, gp_sync_apply, gp_expiry_report};
    for (int index = 0; index < 3; index++) {
        EXPECT(calls[index](client, "{\"input\": ", NULL, &out), GP_ERR_INVALID_JSON);
        CHECK(message_has("'request_json' is not valid JSON"), "%s", gp_last_error_message());
        EXPECT(calls[index](client, "[1, 2]", NULL, &out), GP_ERR_INVALID_JSON);
        CHECK(message_has("wrong shape"), "%s", gp_last_error_message());
        EXPECT(calls[index](client, "{\"prun\": true}", NULL, &out), GP_ERR_INVALID_JSON);
        CHECK(message_has("unknown key 'prun'"), "%s", gp_last_error_message());
        EXPECT(calls[index](NULL, "{}", NULL, &out), GP_ERR_NULL_ARGUMENT);
        CHECK(message_has("'client'"), "%s", gp_last_error_message());
        EXPECT(calls[index](client, NULL, NULL, &out), GP_ERR_NULL_ARGUMENT);
        CHECK(message_has("'request_json'"), "%s", gp_last_error_message());
        EXPECT(calls[index](client, "{}", NULL, NULL), GP_ERR_NULL_ARGUMENT);
        CHECK(message_has("'out_json'"), "%s", gp_last_error_message());
        EXPECT(calls[index](client, "{}", (const gp_cancel_token *)0x10, &out),
               GP_ERR_INVALID_HANDLE);
        CHECK(out == (char *)0x1, "out_json untouched on failure");
    }

    /* A sync needs input; a wrong value type is a wrong shape; a header needs a user. */
    EXPECT(gp_sync_plan(client, "{}", NULL, &out), GP_ERR_VALIDATION);
    CHECK(message_has("input"), "%s", gp_last_error_message());
    EXPECT(gp_sync_apply(client, "{\"input\": \"a,b\\n1,2\\n\", \"prune\": \"yes\"}", NULL, &out),
           GP_ERR_INVALID_JSON);
    EXPECT(gp_sync_plan(client, "{\"input\": \"displayName\\nx\\n\", \"facet\": \"awards\"}",
                        NULL, &out),
           GP_ERR_VALIDATION);
    CHECK(message_has("user"), "%s", gp_last_error_message());
    EXPECT(gp_expiry_report(client, "{\"withinDays\": \"soon\"}", NULL, &out),
           GP_ERR_INVALID_JSON);
    EXPECT(gp_expiry_report(client, "{\"asOf\": \"2026-13-40\"}", NULL, &out),
           GP_ERR_INVALID_JSON);
    CHECK(out == (char *)0x1, "out_json untouched on failure");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s BASE_URL\n", argv[0]);
        return 2;
    }
    base_url = argv[1];
    snprintf(graph_url, sizeof graph_url, "%s/beta", base_url);
    admin_token = fetch_token("admin@contoso.com", "User.ReadWrite.All");
    if (!admin_token) {
        fprintf(stderr, "FAIL: no token from %s/emulator/token\n", base_url);
        return 1;
    }

    test_versions_and_names();
    test_client_config_errors();
    gp_client *client = client_with_token(admin_token, "");
    test_facet_round_trip(client);
    test_bad_arguments(client);
    test_checks();
    test_handles();
    test_service_failures();
    test_batch(client);
    test_sync(client);
    test_sync_bad_requests(client);
    test_cancellation(client);
    test_free_while_in_use();
    test_threads(client);
    test_token_callback();
    test_device_code_and_client_credentials();
    test_logging(client);
    EXPECT(gp_client_free(client), GP_OK);

    free(admin_token);
    /* Every string, client and token handed out was freed (valgrind cannot see this:
     * the library's tables keep them reachable). */
    CHECK(gp_outstanding_count() == 0, "%zu objects not freed", gp_outstanding_count());
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
