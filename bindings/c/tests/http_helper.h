/*
 * A minimal HTTP/1.0 client over POSIX sockets, for the tests only: it drives the
 * emulator's test routes (/emulator/token, /emulator/config, device code approval)
 * that the library itself has no business calling.  Loopback, plain HTTP, no TLS.
 */
#ifndef GP_TEST_HTTP_HELPER_H
#define GP_TEST_HTTP_HELPER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Splits "http://127.0.0.1:PORT" into a port; only loopback IPv4 is supported. */
static int http_port(const char *base_url) {
    const char *colon = strrchr(base_url, ':');
    return colon ? atoi(colon + 1) : 0;
}

/*
 * Sends one request and returns the response body (malloc'd, NUL-terminated) or NULL.
 * *status receives the HTTP status when not NULL.
 */
static char *http_request(const char *base_url, const char *method, const char *path,
                          const char *body, int *status) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return NULL;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)http_port(base_url));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return NULL;
    }

    size_t body_len = body ? strlen(body) : 0;
    size_t head_cap = strlen(path) + 256;
    char *head = malloc(head_cap);
    int head_len = snprintf(head, head_cap,
                            "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                            "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                            method, path, body_len);
    ssize_t sent = write(fd, head, (size_t)head_len);
    free(head);
    if (sent != head_len || (body_len && write(fd, body, body_len) != (ssize_t)body_len)) {
        close(fd);
        return NULL;
    }

    size_t cap = 4096, len = 0;
    char *answer = malloc(cap);
    for (;;) {
        if (len + 1024 > cap) {
            cap *= 2;
            answer = realloc(answer, cap);
        }
        ssize_t got = read(fd, answer + len, cap - len - 1);
        if (got <= 0) break;
        len += (size_t)got;
    }
    close(fd);
    answer[len] = '\0';

    if (status) *status = 0;
    if (status && strncmp(answer, "HTTP/1.", 7) == 0) *status = atoi(answer + 9);
    char *start = strstr(answer, "\r\n\r\n");
    char *result = strdup(start ? start + 4 : "");
    free(answer);
    return result;
}

/* The string value of "key" in a flat JSON object (no escapes in the value), malloc'd. */
static char *json_string_field(const char *json, const char *key) {
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\"", key);
    const char *at = json ? strstr(json, pattern) : NULL;
    if (!at) return NULL;
    at = strchr(at + strlen(pattern), '"');
    if (!at) return NULL;
    const char *end = strchr(at + 1, '"');
    if (!end) return NULL;
    return strndup(at + 1, (size_t)(end - at - 1));
}

#endif /* GP_TEST_HTTP_HELPER_H */
