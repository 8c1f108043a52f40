/* The C client's DEALER connection (see lethe_client.h). Options mirror LetheTransport's: linger 0, a size limit
 * set before connect, ZMTP heartbeats on. */
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "lethe_client.h"

struct lethe_client {
    void *context;
    void *socket;
};

lethe_client *lethe_client_connect(const char *endpoint) {
    lethe_client *client = calloc(1, sizeof *client);
    if (client == NULL) return NULL;
    int linger = 0, heartbeat = 1000, heartbeat_timeout = 3000;
    int64_t max_size = (64 << 20) + (64 << 10);
    client->context = zmq_ctx_new();
    client->socket = client->context ? zmq_socket(client->context, ZMQ_DEALER) : NULL;
    if (client->socket == NULL
        || zmq_setsockopt(client->socket, ZMQ_LINGER, &linger, sizeof linger) != 0
        || zmq_setsockopt(client->socket, ZMQ_MAXMSGSIZE, &max_size, sizeof max_size) != 0
        || zmq_setsockopt(client->socket, ZMQ_HEARTBEAT_IVL, &heartbeat, sizeof heartbeat) != 0
        || zmq_setsockopt(client->socket, ZMQ_HEARTBEAT_TIMEOUT, &heartbeat_timeout, sizeof heartbeat_timeout) != 0
        || zmq_connect(client->socket, endpoint) != 0) {
        lethe_client_close(client);
        return NULL;
    }
    return client;
}

int lethe_client_send(lethe_client *client, const lethe_buffer *message) {
    if (client == NULL || message == NULL) return LETHE_ERR_ARGUMENT;
    return zmq_send(client->socket, message->data, message->len, 0) < 0 ? LETHE_ERR_TRANSPORT : LETHE_OK;
}

int lethe_client_receive(lethe_client *client, int timeout_ms, lethe_buffer *out) {
    if (client == NULL || out == NULL) return LETHE_ERR_ARGUMENT;
    zmq_pollitem_t item = { client->socket, 0, ZMQ_POLLIN, 0 };
    int ready = zmq_poll(&item, 1, timeout_ms);
    if (ready < 0) return LETHE_ERR_TRANSPORT;
    if (ready == 0) return LETHE_TIMEOUT;
    zmq_msg_t message;
    zmq_msg_init(&message);
    if (zmq_msg_recv(&message, client->socket, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&message);
        return LETHE_ERR_TRANSPORT;
    }
    /* A Lethe message is one frame; drain any extra frames so the next receive starts on a message boundary. */
    int more = zmq_msg_more(&message);
    out->len = zmq_msg_size(&message);
    out->data = malloc(out->len ? out->len : 1);
    if (out->data != NULL && out->len) memcpy(out->data, zmq_msg_data(&message), out->len);
    zmq_msg_close(&message);
    while (more) {
        zmq_msg_t extra;
        zmq_msg_init(&extra);
        if (zmq_msg_recv(&extra, client->socket, 0) < 0) more = 0; else more = zmq_msg_more(&extra);
        zmq_msg_close(&extra);
    }
    return out->data == NULL ? LETHE_ERR_MEMORY : LETHE_OK;
}

void lethe_client_close(lethe_client *client) {
    if (client == NULL) return;
    if (client->socket) zmq_close(client->socket);
    if (client->context) zmq_ctx_term(client->context);
    free(client);
}
