/* nfq-delay: holds every packet of an NFQUEUE queue for a fixed delay, and drops a seeded random fraction, for
 * kernels without the netem qdisc (tc: "unknown qdisc kind"). An nftables rule sends a host's outgoing packets to
 * the queue (`nft add rule inet lethe out oifname eth0 queue num 0`); this process, in the same network namespace,
 * gives each packet its verdict: dropped at once with probability LOSS, otherwise accepted DELAY_MS after it was
 * queued, in arrival order. The packets are the kernel's own, so TCP sees real delay and real loss (and retransmits).
 *
 *   nfq-delay QUEUE DELAY_MS LOSS_PERCENT SEED      (SIGTERM/SIGINT: prints its counts and exits)
 *
 * Built by Deploy/multihost-test.sh: gcc -O2 -o nfq-delay nfq-delay.c -lnetfilter_queue (libnetfilter-queue-dev).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define CAPACITY 65536u /* packets held at once; also the queue's kernel-side length */

static uint32_t held_id[CAPACITY];
static double held_due[CAPACITY];
static unsigned head, count;
static double delay_s, loss;
static uint64_t rng;
static unsigned long delayed, dropped, overflowed;
static volatile sig_atomic_t stop;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* splitmix64: a seeded, portable stream, so a run's drops repeat for the same seed and packet order. */
static double uniform(void) {
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

static int on_packet(struct nfq_q_handle *queue, struct nfgenmsg *message, struct nfq_data *data, void *context) {
    (void)message; (void)context;
    struct nfqnl_msg_packet_hdr *header = nfq_get_msg_packet_hdr(data);
    if (!header) return 0;
    uint32_t id = ntohl(header->packet_id);
    if (uniform() < loss) { dropped++; return nfq_set_verdict(queue, id, NF_DROP, 0, NULL); }
    if (count == CAPACITY) { overflowed++; return nfq_set_verdict(queue, id, NF_ACCEPT, 0, NULL); }
    unsigned slot = (head + count++) % CAPACITY;
    held_id[slot] = id;
    held_due[slot] = now() + delay_s;
    delayed++;
    return 0;
}

static void on_signal(int signal) { (void)signal; stop = 1; }

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: nfq-delay QUEUE DELAY_MS LOSS_PERCENT SEED\n");
        return 64;
    }
    unsigned queue_number = (unsigned)strtoul(argv[1], NULL, 10);
    delay_s = strtod(argv[2], NULL) / 1000.0;
    loss = strtod(argv[3], NULL) / 100.0;
    rng = strtoull(argv[4], NULL, 10);
    if (delay_s < 0 || loss < 0 || loss > 1) { fprintf(stderr, "nfq-delay: delay >= 0, 0 <= loss <= 100\n"); return 64; }

    struct nfq_handle *handle = nfq_open();
    if (!handle) { perror("nfq-delay: nfq_open"); return 1; }
    struct nfq_q_handle *queue = nfq_create_queue(handle, queue_number, on_packet, NULL);
    if (!queue) { perror("nfq-delay: nfq_create_queue (is nfnetlink_queue in this kernel?)"); return 1; }
    if (nfq_set_mode(queue, NFQNL_COPY_META, 0) < 0) { perror("nfq-delay: nfq_set_mode"); return 1; }
    nfq_set_queue_maxlen(queue, CAPACITY);
    nfnl_rcvbufsiz(nfq_nfnlh(handle), 32u << 20);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    fprintf(stderr, "nfq-delay: queue %u, delay %s ms, loss %s %%, seed %s\n", queue_number, argv[2], argv[3], argv[4]);

    int fd = nfq_fd(handle);
    char buffer[1 << 16];
    while (!stop) {
        double wait = count ? held_due[head] - now() : 0.1;
        struct pollfd poller = {.fd = fd, .events = POLLIN};
        int ready = poll(&poller, 1, wait > 0 ? (int)(wait * 1000) + 1 : 0);
        if (ready > 0) {
            for (;;) {
                ssize_t size = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
                if (size > 0) { nfq_handle_packet(handle, buffer, (int)size); continue; }
                if (size < 0 && errno == ENOBUFS) continue; /* the kernel dropped what did not fit: real loss too */
                break;
            }
        }
        double t = now();
        while (count && held_due[head] <= t) {
            nfq_set_verdict(queue, held_id[head], NF_ACCEPT, 0, NULL);
            head = (head + 1) % CAPACITY;
            count--;
        }
    }
    while (count) { nfq_set_verdict(queue, held_id[head], NF_ACCEPT, 0, NULL); head = (head + 1) % CAPACITY; count--; }
    fprintf(stderr, "nfq-delay: %lu packets delayed, %lu dropped (%.2f %%), %lu passed undelayed (queue full)\n",
            delayed, dropped, delayed + dropped ? 100.0 * dropped / (delayed + dropped) : 0.0, overflowed);
    nfq_destroy_queue(queue);
    nfq_close(handle);
    return 0;
}
