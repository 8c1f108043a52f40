/* lethe-c-client ENDPOINT SENDER_ID: joins a Lethe coordinator from C.
 * Sends Hello, waits for Welcome, sends a Heartbeat, waits for a MaskBroadcast, prints what it got and exits 0.
 * Any failure prints a reason on stderr and exits non-zero (a process of its own, so exit codes are its API). */
#include <stdio.h>
#include <string.h>

#include "lethe_client.h"

static int fail(const char *step, int rc, lethe_client *client) {
    fprintf(stderr, "lethe-c-client: %s failed (code %d)\n", step, rc);
    lethe_client_close(client);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: lethe-c-client ENDPOINT SENDER_ID\n");
        return 2;
    }
    lethe_client *client = lethe_client_connect(argv[1]);
    if (client == NULL) return fail("connect", LETHE_ERR_TRANSPORT, NULL);
    lethe_header header = { "", 0, argv[2], 1, 0 };
    const uint32_t labels[] = { 0, 1, 2 };
    lethe_buffer out = { 0 }, in = { 0 };
    int rc = lethe_encode_hello(&header, "lethe-c-client 1", 3000, labels, 3, &out);
    if (rc == LETHE_OK) rc = lethe_client_send(client, &out);
    lethe_buffer_free(&out);
    if (rc != LETHE_OK) return fail("send hello", rc, client);

    if ((rc = lethe_client_receive(client, 5000, &in)) != LETHE_OK) return fail("receive welcome", rc, client);
    lethe_welcome welcome;
    rc = lethe_decode_welcome(in.data, in.len, &welcome);
    lethe_buffer_free(&in);
    if (rc != LETHE_OK) return fail("decode welcome", rc, client);
    printf("welcome heartbeat_ms=%u liveness=%u model_version=%llu reply_to=%llu\n", welcome.heartbeat_interval_ms,
           welcome.liveness, (unsigned long long)welcome.model_version, (unsigned long long)welcome.reply_to);

    header.message_number = 2;
    rc = lethe_encode_heartbeat(&header, 1, 0, &out);
    if (rc == LETHE_OK) rc = lethe_client_send(client, &out);
    lethe_buffer_free(&out);
    if (rc != LETHE_OK) return fail("send heartbeat", rc, client);

    if ((rc = lethe_client_receive(client, 5000, &in)) != LETHE_OK) return fail("receive mask", rc, client);
    lethe_mask mask;
    rc = lethe_decode_mask(in.data, in.len, &mask);
    lethe_buffer_free(&in);
    if (rc != LETHE_OK) return fail("decode mask", rc, client);
    printf("mask request=%s bits=%llu set=%zu fraction=%.3f\n", mask.request_id,
           (unsigned long long)mask.bit_count, lethe_mask_popcount(&mask), mask.fraction);
    lethe_mask_free(&mask);
    lethe_client_close(client);
    return 0;
}
