/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-xsk: an AF_XDP application next to xdplinkd, for tests/integration/afxdp.bats
 * and as the worked example of docs/af-xdp.md; and the sender of its flow.
 *
 * recv opens an AF_XDP socket with libxdp's xsk API, with libxdp's own
 * program load inhibited (the daemon owns the interface's XDP), and puts it
 * into the XSKMAP that the daemon pinned for the xsk program
 * (tests/bpf/xl_xsk.bpf.c). It counts what arrives until SIGINT or SIGTERM
 * (or --timeout) and prints one JSON line. send writes the test flow as
 * Ethernet frames through an AF_PACKET socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <xdp/xsk.h>

#include "xl-util.h"

#define N_FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE XSK_RING_CONS__DEFAULT_NUM_DESCS
#define MAGIC "XLXSK"
#define HDRS (sizeof(struct ether_header) + sizeof(struct iphdr) + sizeof(struct udphdr))
/* The payload: MAGIC, then the frame's sequence number (big endian). */
#define PAYLOAD (sizeof(MAGIC) + sizeof(uint32_t))

static const char usage_text[] =
	"Usage: xl-xsk recv --iface IFNAME --map PIN [--queue N] [--timeout SEC] [--no-inhibit]\n"
	"       xl-xsk send --iface IFNAME --dst-mac MAC --count N [--port P] [--ports K]\n"
	"                   [--rate PPS] [--src ADDR] [--dst ADDR]\n"
	"\n"
	"recv: an AF_XDP socket (libxdp, copy mode, libxdp's program load inhibited)\n"
	"on queue N (default 0) of IFNAME, put into the XSKMAP pinned at PIN\n"
	"(bpf_obj_get + xsk_socket__update_xskmap). Prints {\"ready\": ...} once the\n"
	"socket is in the map, then counts the test flow until SIGINT/SIGTERM or\n"
	"--timeout SEC (default 600) and prints one JSON line: received, odd_port\n"
	"(frames with an odd UDP destination port), other (frames not of the flow)\n"
	"and the socket's XDP_STATISTICS. --no-inhibit lets libxdp load and attach\n"
	"its own program, as an application unaware of the daemon would (tests: it\n"
	"must fail on an interface the daemon holds).\n"
	"\n"
	"send: N UDP frames through AF_PACKET on IFNAME (no qdisc), frame i to\n"
	"port P + i % K (default 9000, 3), from --src (10.199.0.1) to --dst\n"
	"(10.199.0.2); a frame the device refuses (ENOBUFS) is sent again. --rate\n"
	"paces it (default: as fast as the device takes them). Prints {\"sent\": N,\n"
	"\"odd\": M}: M frames went to an odd port.\n"
	"\n"
	"Errors go to stderr with the failing call and its errno name; exit 1.\n";

struct opts {
	const char *cmd, *iface, *map, *dst_mac, *src, *dst;
	unsigned queue, count, port, ports;
	double timeout, rate;
	bool no_inhibit;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "xl-xsk: %s: %s\n", what, errno_name(err));
	return -(err < 0 ? -err : err);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- recv ---- */

struct rx {
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp, rx;
	unsigned long received, odd_port, other;
};

static void rx_done(struct rx *r)
{
	if (r->xsk)
		xsk_socket__delete(r->xsk);
	if (r->umem)
		xsk_umem__delete(r->umem);
	if (r->area && r->area != MAP_FAILED)
		munmap(r->area, (size_t)N_FRAMES * FRAME_SIZE);
}

/* Give the kernel these n umem frames to fill. */
static int fill_frames(struct rx *r, const uint64_t *addrs, unsigned n)
{
	uint32_t idx;

	if (xsk_ring_prod__reserve(&r->fill, n, &idx) != n)
		return -ENOSPC;
	for (unsigned i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&r->fill, idx + i) = addrs[i];
	xsk_ring_prod__submit(&r->fill, n);
	return 0;
}

static int rx_open(struct rx *r, const struct opts *o)
{
	struct xsk_socket_config cfg = {
		.rx_size = RING_SIZE,
		/* The daemon owns XDP here: libxdp must neither load nor attach
		 * its own program, nor look for one. */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		/* Copy mode works on any driver, veth and generic XDP included. */
		.bind_flags = XDP_COPY,
	};
	uint64_t addrs[RING_SIZE];
	_cleanup_close_ int map_fd = -EBADF;
	int err;

	if (o->no_inhibit)
		cfg.libxdp_flags = 0;
	map_fd = bpf_obj_get(o->map);
	if (map_fd < 0)
		return fail(o->map, errno);
	r->area = mmap(NULL, (size_t)N_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->area == MAP_FAILED)
		return fail("mmap of the umem", errno);
	err = xsk_umem__create(&r->umem, r->area, (uint64_t)N_FRAMES * FRAME_SIZE, &r->fill,
			       &r->comp, NULL);
	if (err)
		return fail("xsk_umem__create", err);
	err = xsk_socket__create(&r->xsk, o->iface, o->queue, r->umem, &r->rx, NULL, &cfg);
	if (err) {
		char what[128];

		snprintf(what, sizeof(what), "xsk_socket__create on %s queue %u", o->iface, o->queue);
		return fail(what, err);
	}
	for (unsigned i = 0; i < RING_SIZE; i++)
		addrs[i] = (uint64_t)i * FRAME_SIZE;
	err = fill_frames(r, addrs, RING_SIZE);
	if (err)
		return fail("filling the fill ring", err);
	/* Key: the queue id, which is what the xsk program looks up. */
	err = xsk_socket__update_xskmap(r->xsk, map_fd);
	if (err)
		return fail("xsk_socket__update_xskmap", err);
	return 0;
}

static void count_frame(struct rx *r, const unsigned char *p, uint32_t len)
{
	struct udphdr udp;

	if (len < HDRS + PAYLOAD || memcmp(p + HDRS, MAGIC, sizeof(MAGIC)) != 0) {
		r->other++;
		return;
	}
	memcpy(&udp, p + sizeof(struct ether_header) + sizeof(struct iphdr), sizeof(udp));
	r->received++;
	if (ntohs(udp.dest) & 1)
		r->odd_port++;
}

/* Count what the rx ring holds and hand the frames back to the fill ring. */
static int rx_drain(struct rx *r)
{
	uint64_t addrs[RING_SIZE];
	uint32_t idx, n;

	n = xsk_ring_cons__peek(&r->rx, RING_SIZE, &idx);
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&r->rx, idx + i);

		count_frame(r, xsk_umem__get_data(r->area, d->addr), d->len);
		addrs[i] = xsk_umem__extract_addr(d->addr);
	}
	if (!n)
		return 0;
	xsk_ring_cons__release(&r->rx, n);
	return fill_frames(r, addrs, n);
}

static int run_recv(const struct opts *o)
{
	struct rx r = { 0 };
	struct xdp_statistics st = { 0 };
	socklen_t len = sizeof(st);
	double end = now() + o->timeout;
	int err, fd;

	err = rx_open(&r, o);
	if (err) {
		rx_done(&r);
		return 1;
	}
	fd = xsk_socket__fd(r.xsk);
	printf("{\"ready\": {\"iface\": \"%s\", \"queue\": %u, \"map\": \"%s\"}}\n", o->iface,
	       o->queue, o->map);
	fflush(stdout);
	while (!stop && now() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 100) < 0 && errno != EINTR) {
			err = fail("poll", errno);
			break;
		}
		err = rx_drain(&r);
		if (err) {
			fail("refilling the fill ring", err);
			break;
		}
	}
	if (!err && (err = rx_drain(&r)))
		fail("refilling the fill ring", err);
	if (getsockopt(fd, SOL_XDP, XDP_STATISTICS, &st, &len) < 0)
		err = fail("getsockopt XDP_STATISTICS", errno);
	printf("{\"received\": %lu, \"odd_port\": %lu, \"other\": %lu, \"rx_dropped\": %llu, "
	       "\"rx_invalid_descs\": %llu, \"rx_ring_full\": %llu, \"rx_fill_ring_empty\": %llu, "
	       "\"timed_out\": %s}\n",
	       r.received, r.odd_port, r.other, (unsigned long long)st.rx_dropped,
	       (unsigned long long)st.rx_invalid_descs, (unsigned long long)st.rx_ring_full,
	       (unsigned long long)st.rx_fill_ring_empty_descs, stop ? "false" : "true");
	rx_done(&r);
	return err ? 1 : 0;
}

/* ---- send ---- */

static uint16_t ip_checksum(const void *hdr, size_t len)
{
	const uint16_t *w = hdr;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Frame seq of the flow into buf (HDRS + PAYLOAD bytes); headers are built
 * aligned and copied in. */
static int build_frame(const struct opts *o, const unsigned char src_mac[6], uint32_t seq,
		       unsigned char *buf)
{
	struct ether_header eth = { .ether_type = htons(ETHERTYPE_IP) };
	uint16_t port = (uint16_t)(o->port + seq % o->ports);
	uint32_t seq_be = htonl(seq);
	struct iphdr ip = {
		.version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP,
		.tot_len = htons((uint16_t)(HDRS + PAYLOAD - sizeof(eth))),
		.frag_off = htons(IP_DF),
	};
	struct udphdr udp = {
		.source = htons(port), .dest = htons(port),
		.len = htons((uint16_t)(sizeof(udp) + PAYLOAD)),
	};
	unsigned m[6];

	if (sscanf(o->dst_mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6) {
		fprintf(stderr, "xl-xsk: not a MAC address: %s\n", o->dst_mac);
		return -EINVAL;
	}
	for (int i = 0; i < 6; i++)
		eth.ether_dhost[i] = (unsigned char)m[i];
	memcpy(eth.ether_shost, src_mac, 6);
	if (inet_pton(AF_INET, o->src, &ip.saddr) != 1 || inet_pton(AF_INET, o->dst, &ip.daddr) != 1) {
		fprintf(stderr, "xl-xsk: not IPv4 addresses: %s, %s\n", o->src, o->dst);
		return -EINVAL;
	}
	ip.check = ip_checksum(&ip, sizeof(ip));
	memcpy(buf, &eth, sizeof(eth));
	memcpy(buf + sizeof(eth), &ip, sizeof(ip));
	memcpy(buf + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
	memcpy(buf + HDRS, MAGIC, sizeof(MAGIC));
	memcpy(buf + HDRS + sizeof(MAGIC), &seq_be, sizeof(seq_be));
	return 0;
}

static int open_packet(const char *ifname, unsigned char ret_mac[6])
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };
	_cleanup_close_ int fd = -EBADF;
	int one = 1;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("AF_PACKET socket", errno);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return fail("SIOCGIFHWADDR", errno);
	memcpy(ret_mac, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		return fail(ifname, errno);
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
		return fail("PACKET_QDISC_BYPASS", errno);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return fail("bind to the device", errno);
	return TAKE_FD(fd);
}

static int run_send(const struct opts *o)
{
	unsigned char mac[6], frame[HDRS + PAYLOAD];
	unsigned long odd = 0, retries = 0;
	_cleanup_close_ int fd = open_packet(o->iface, mac);
	double t0 = now();

	if (fd < 0)
		return 1;
	for (uint32_t seq = 0; seq < o->count && !stop; seq++) {
		if (build_frame(o, mac, seq, frame) < 0)
			return 1;
		/* Paced: frame seq leaves no earlier than seq / rate. */
		while (o->rate > 0 && now() - t0 < seq / o->rate)
			usleep(100);
		while (send(fd, frame, sizeof(frame), 0) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
				return fail("send", errno), 1;
			/* The device is full: let it drain, then the same frame again. */
			retries++;
			usleep(100);
		}
		odd += (o->port + seq % o->ports) & 1;
	}
	printf("{\"sent\": %u, \"odd\": %lu, \"retries\": %lu, \"seconds\": %.3f}\n", o->count,
	       odd, retries, now() - t0);
	return stop ? 1 : 0;
}

/* ---- options ---- */

static int parse_unsigned(const char *name, const char *s, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > UINT32_MAX || *s == '-') {
		fprintf(stderr, "xl-xsk: --%s: not a number: %s\n", name, s);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

static int parse_double(const char *name, const char *s, double *ret)
{
	char *end;

	errno = 0;
	*ret = strtod(s, &end);
	if (errno || *end || end == s || *ret < 0) {
		fprintf(stderr, "xl-xsk: --%s: not a number >= 0: %s\n", name, s);
		return -EINVAL;
	}
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "iface", required_argument, NULL, 'i' }, { "map", required_argument, NULL, 'm' },
		{ "queue", required_argument, NULL, 'q' }, { "timeout", required_argument, NULL, 't' },
		{ "dst-mac", required_argument, NULL, 'M' }, { "count", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' }, { "ports", required_argument, NULL, 'k' },
		{ "rate", required_argument, NULL, 'r' }, { "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' },
		{ "no-inhibit", no_argument, NULL, 'n' },
		{ 0 },
	};
	int c, r = 0;

	*o = (struct opts){ .queue = 0, .timeout = 600, .port = 9000, .ports = 3,
			    .src = "10.199.0.1", .dst = "10.199.0.2" };
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? -EINVAL : 1;
	}
	o->cmd = argv[1];
	optind = 2;
	while (r == 0 && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; break;
		case 'm': o->map = optarg; break;
		case 'M': o->dst_mac = optarg; break;
		case 's': o->src = optarg; break;
		case 'd': o->dst = optarg; break;
		case 'q': r = parse_unsigned("queue", optarg, &o->queue); break;
		case 'c': r = parse_unsigned("count", optarg, &o->count); break;
		case 'p': r = parse_unsigned("port", optarg, &o->port); break;
		case 'k': r = parse_unsigned("ports", optarg, &o->ports); break;
		case 't': r = parse_double("timeout", optarg, &o->timeout); break;
		case 'r': r = parse_double("rate", optarg, &o->rate); break;
		case 'n': o->no_inhibit = true; break;
		case 'h': fputs(usage_text, stdout); return 1;
		default: return -EINVAL;
		}
	}
	if (r)
		return r;
	if (optind < argc) {
		fprintf(stderr, "xl-xsk: unexpected argument: %s\n", argv[optind]);
		return -EINVAL;
	}
	if (!o->iface || (strcmp(o->cmd, "recv") == 0 && !o->map) ||
	    (strcmp(o->cmd, "send") == 0 && (!o->dst_mac || !o->count))) {
		fprintf(stderr, "xl-xsk: %s: missing options (xl-xsk --help)\n", o->cmd);
		return -EINVAL;
	}
	if (!o->ports || o->port + o->ports > 65536) {
		fprintf(stderr, "xl-xsk: --port/--ports: ports out of range\n");
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct opts o;
	int r = parse(argc, argv, &o);

	if (r)
		return r > 0 ? 0 : 2;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
		fail("sigaction", errno);
		return 1;
	}
	if (strcmp(o.cmd, "recv") == 0)
		return run_recv(&o);
	if (strcmp(o.cmd, "send") == 0)
		return run_send(&o);
	fprintf(stderr, "xl-xsk: unknown command %s (recv or send; xl-xsk --help)\n", o.cmd);
	return 2;
}
