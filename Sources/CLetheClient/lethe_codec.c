/* Envelope encoding and decoding on protobuf-c (see lethe_client.h). */
#include <stdlib.h>
#include <string.h>

#include "lethe_client.h"

void lethe_buffer_free(lethe_buffer *buffer) {
    if (buffer == NULL) return;
    free(buffer->data);
    buffer->data = NULL;
    buffer->len = 0;
}

/* Fills the header fields; strings are borrowed, so the envelope must not outlive the header. */
static void fill_header(Lethe__V1__Envelope *env, const lethe_header *header) {
    env->protocol_version = LETHE_PROTOCOL_VERSION;
    env->job_id = (char *)(header->job_id ? header->job_id : "");
    env->round = header->round;
    env->sender_id = (char *)header->sender_id;
    env->message_number = header->message_number;
    env->reply_to = header->reply_to;
}

static int pack(const Lethe__V1__Envelope *env, lethe_buffer *out) {
    size_t size = lethe__v1__envelope__get_packed_size(env);
    out->data = malloc(size ? size : 1);
    if (out->data == NULL) return LETHE_ERR_MEMORY;
    out->len = lethe__v1__envelope__pack(env, out->data);
    return LETHE_OK;
}

int lethe_encode_hello(const lethe_header *header, const char *software_version, uint64_t sample_count,
                       const uint32_t *class_labels, size_t n_labels, lethe_buffer *out) {
    if (header == NULL || header->sender_id == NULL || out == NULL) return LETHE_ERR_ARGUMENT;
    Lethe__V1__Envelope env = LETHE__V1__ENVELOPE__INIT;
    Lethe__V1__Hello hello = LETHE__V1__HELLO__INIT;
    fill_header(&env, header);
    hello.software_version = (char *)(software_version ? software_version : "");
    hello.sample_count = sample_count;
    hello.n_class_labels = n_labels;
    hello.class_labels = (uint32_t *)class_labels;
    env.body_case = LETHE__V1__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    return pack(&env, out);
}

int lethe_encode_heartbeat(const lethe_header *header, uint64_t sequence, uint64_t sent_unix_ms, lethe_buffer *out) {
    if (header == NULL || header->sender_id == NULL || out == NULL) return LETHE_ERR_ARGUMENT;
    Lethe__V1__Envelope env = LETHE__V1__ENVELOPE__INIT;
    Lethe__V1__Heartbeat beat = LETHE__V1__HEARTBEAT__INIT;
    fill_header(&env, header);
    beat.sequence = sequence;
    beat.sent_unix_ms = sent_unix_ms;
    env.body_case = LETHE__V1__ENVELOPE__BODY_HEARTBEAT;
    env.heartbeat = &beat;
    return pack(&env, out);
}

int lethe_encode_model_weights(const lethe_header *header, uint64_t model_version, const int64_t *shape, size_t rank,
                               const float *values, size_t count, lethe_buffer *out) {
    if (header == NULL || header->sender_id == NULL || out == NULL) return LETHE_ERR_ARGUMENT;
    Lethe__V1__Envelope env = LETHE__V1__ENVELOPE__INIT;
    Lethe__V1__ModelWeights weights = LETHE__V1__MODEL_WEIGHTS__INIT;
    Lethe__V1__Tensor tensor = LETHE__V1__TENSOR__INIT;
    fill_header(&env, header);
    tensor.n_shape = rank;
    tensor.shape = (int64_t *)shape;
    tensor.data.len = count * sizeof(float);  /* the host is little-endian, as the wire */
    tensor.data.data = (uint8_t *)values;
    weights.model_version = model_version;
    weights.parameters = &tensor;
    env.body_case = LETHE__V1__ENVELOPE__BODY_MODEL_WEIGHTS;
    env.model_weights = &weights;
    return pack(&env, out);
}

int lethe_encode_mask_broadcast(const lethe_header *header, const char *request_id, uint64_t model_version,
                                uint64_t bit_count, const uint64_t *words, float fraction, lethe_buffer *out) {
    if (header == NULL || header->sender_id == NULL || request_id == NULL || out == NULL) return LETHE_ERR_ARGUMENT;
    Lethe__V1__Envelope env = LETHE__V1__ENVELOPE__INIT;
    Lethe__V1__MaskBroadcast mask = LETHE__V1__MASK_BROADCAST__INIT;
    Lethe__V1__Bitset bits = LETHE__V1__BITSET__INIT;
    fill_header(&env, header);
    bits.bit_count = bit_count;
    bits.words.len = (size_t)((bit_count + 63) / 64) * 8;
    bits.words.data = (uint8_t *)words;
    mask.request_id = (char *)request_id;
    mask.model_version = model_version;
    mask.mask = &bits;
    mask.fraction = fraction;
    env.body_case = LETHE__V1__ENVELOPE__BODY_MASK_BROADCAST;
    env.mask_broadcast = &mask;
    return pack(&env, out);
}

/* Unpacks and checks the version and body kind; on success the caller frees *env. */
static int unpack(const uint8_t *data, size_t len, Lethe__V1__Envelope__BodyCase body, Lethe__V1__Envelope **env) {
    *env = lethe__v1__envelope__unpack(NULL, len, data);
    if (*env == NULL) return LETHE_ERR_MALFORMED;
    int rc = LETHE_OK;
    if ((*env)->protocol_version != LETHE_PROTOCOL_VERSION) rc = LETHE_ERR_VERSION;
    else if ((*env)->body_case != body) rc = LETHE_ERR_WRONG_BODY;
    if (rc != LETHE_OK) {
        lethe__v1__envelope__free_unpacked(*env, NULL);
        *env = NULL;
    }
    return rc;
}

static void copy_id(char destination[65], const char *source) {
    strncpy(destination, source ? source : "", 64);
    destination[64] = '\0';
}

int lethe_decode_mask(const uint8_t *data, size_t len, lethe_mask *out) {
    Lethe__V1__Envelope *env;
    memset(out, 0, sizeof *out);
    int rc = unpack(data, len, LETHE__V1__ENVELOPE__BODY_MASK_BROADCAST, &env);
    if (rc != LETHE_OK) return rc;
    const Lethe__V1__MaskBroadcast *mask = env->mask_broadcast;
    const Lethe__V1__Bitset *bits = mask->mask;
    size_t n_words = bits ? (size_t)((bits->bit_count + 63) / 64) : 0;
    if (bits == NULL || bits->words.len != n_words * 8) {
        rc = LETHE_ERR_SHAPE;
    } else {
        out->words = malloc(n_words ? n_words * 8 : 1);
        if (out->words == NULL) rc = LETHE_ERR_MEMORY;
        else {
            if (n_words) memcpy(out->words, bits->words.data, n_words * 8);
            out->n_words = n_words;
            out->bit_count = bits->bit_count;
            out->round = env->round;
            out->model_version = mask->model_version;
            out->fraction = mask->fraction;
            copy_id(out->request_id, mask->request_id);
        }
    }
    lethe__v1__envelope__free_unpacked(env, NULL);
    return rc;
}

void lethe_mask_free(lethe_mask *mask) {
    if (mask == NULL) return;
    free(mask->words);
    mask->words = NULL;
    mask->n_words = 0;
}

size_t lethe_mask_popcount(const lethe_mask *mask) {
    size_t total = 0;
    for (size_t i = 0; i < mask->n_words; i++) total += (size_t)__builtin_popcountll(mask->words[i]);
    return total;
}

int lethe_decode_welcome(const uint8_t *data, size_t len, lethe_welcome *out) {
    Lethe__V1__Envelope *env;
    memset(out, 0, sizeof *out);
    int rc = unpack(data, len, LETHE__V1__ENVELOPE__BODY_WELCOME, &env);
    if (rc != LETHE_OK) return rc;
    out->heartbeat_interval_ms = env->welcome->heartbeat_interval_ms;
    out->liveness = env->welcome->liveness;
    out->max_message_bytes = env->welcome->max_message_bytes;
    out->model_version = env->welcome->model_version;
    out->reply_to = env->reply_to;
    lethe__v1__envelope__free_unpacked(env, NULL);
    return LETHE_OK;
}

int lethe_decode_model_weights(const uint8_t *data, size_t len, lethe_weights *out) {
    Lethe__V1__Envelope *env;
    memset(out, 0, sizeof *out);
    int rc = unpack(data, len, LETHE__V1__ENVELOPE__BODY_MODEL_WEIGHTS, &env);
    if (rc != LETHE_OK) return rc;
    const Lethe__V1__Tensor *tensor = env->model_weights->parameters;
    size_t count = 1;
    if (tensor == NULL || tensor->n_shape > 8) rc = LETHE_ERR_SHAPE;
    for (size_t i = 0; rc == LETHE_OK && i < tensor->n_shape; i++) {
        if (tensor->shape[i] < 0) rc = LETHE_ERR_SHAPE;
        else count *= (size_t)tensor->shape[i];
        out->shape[i] = tensor->shape[i];
    }
    if (rc == LETHE_OK && tensor->data.len != count * sizeof(float)) rc = LETHE_ERR_SHAPE;
    if (rc == LETHE_OK && (out->values = malloc(count ? count * sizeof(float) : 1)) == NULL) rc = LETHE_ERR_MEMORY;
    if (rc == LETHE_OK) {
        if (count) memcpy(out->values, tensor->data.data, count * sizeof(float));
        out->rank = tensor->n_shape;
        out->count = count;
        out->round = env->round;
        out->model_version = env->model_weights->model_version;
        copy_id(out->sender_id, env->sender_id);
        copy_id(out->job_id, env->job_id);
    }
    lethe__v1__envelope__free_unpacked(env, NULL);
    return rc;
}

void lethe_weights_free(lethe_weights *weights) {
    if (weights == NULL) return;
    free(weights->values);
    weights->values = NULL;
}
