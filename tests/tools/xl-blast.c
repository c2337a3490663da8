/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl-blast: a steady UDP sender for the zero-gap test, and the sink that
 * keeps its receiver quiet.
 *
 *   xl-blast --dst ADDR --port PORT [--rate PPS] [--seconds S] [--batch N] [--size BYTES]
 *            [--threads N] [--packet IFNAME --src ADDR --dst-mac MAC]
 *   xl-blast --sink --port PORT
 *
 * The sender paces sendmmsg() batches with a token bucket until --seconds
 * have passed (0: until SIGINT or SIGTERM) and prints one JSON line: how
 * many packets the kernel accepted ("sent"), the achieved rate, and every
 * refusal by errno name. Only accepted packets count: IP_RECVERR is set
 * because without it UDP reports a device's ENOBUFS as success.
 *
 * --packet sends the same datagrams as whole Ethernet frames on IFNAME
 * through an AF_PACKET socket with PACKET_QDISC_BYPASS: no route, no
 * neighbour, no qdisc, so a slow (emulated) CPU reaches a higher rate. A
 * frame the device refuses fails its send (ENOBUFS), so "sent" stays what
 * the driver took.
 *
 * --threads N shares the rate among N senders pinned to CPUs 0..N-1, each
 * with its own socket: with AF_PACKET and a veth of N queues each takes
 * its own queue, and the peer's XDP runs on each CPU in parallel.
 *
 * The sink binds PORT with a small receive buffer and never reads, so the
 * receiving stack drops the flow at the socket instead of answering every
 * packet with an ICMP port unreachable (which would come back and fail the
 * sender's next send with ECONNREFUSED). It exits on SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xl-util.h"

#define MAX_BATCH 256
#define MAX_ERRNO 256
#define MAX_THREADS 16

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct opts {
	const char *dst;
	unsigned port;
	double rate;		/* packets per second; 0: as fast as the kernel takes them */
	double seconds;		/* 0: until signalled */
	unsigned batch;
	unsigned threads;	/* senders, each with its own socket and CPU */
	unsigned size;		/* UDP payload bytes */
	bool sink;
	const char *ifname;	/* --packet: send frames on this device */
	const char *src;
	const char *dst_mac;
};

#define FRAME_HDRS (sizeof(struct ether_header) + sizeof(struct iphdr) + sizeof(struct udphdr))

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_for(double secs)
{
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9),
	};

	/* EINTR means a signal: the loop checks stop. */
	nanosleep(&ts, NULL);
}

/* Close fd after a failed call, returning that call's -errno. */
static int close_failed(int fd)
{
	int e = errno;

	close(fd);
	return -e;
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
		fprintf(stderr, "xl-blast: sigaction: %s\n", errno_name(errno));
		return -errno;
	}
	return 0;
}

static int run_sink(const struct opts *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	int fd, one = 1, small = 4096;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xl-blast: socket: %s\n", errno_name(errno));
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) < 0) {
		fprintf(stderr, "xl-blast: setsockopt: %s\n", errno_name(errno));
		close(fd);
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "xl-blast: bind port %u: %s\n", o->port, errno_name(errno));
		close(fd);
		return 1;
	}
	printf("{\"sink\": %u}\n", o->port);
	fflush(stdout);
	while (!stop)
		pause();
	close(fd);
	return 0;
}

static int open_sender(const struct opts *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	int fd, one = 1, big = 4 << 20;

	if (inet_pton(AF_INET, o->dst, &sa.sin_addr) != 1) {
		fprintf(stderr, "xl-blast: not an IPv4 address: %s\n", o->dst);
		return -EINVAL;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xl-blast: socket: %s\n", errno_name(errno));
		return -errno;
	}
	/* IP_RECVERR: report a device's refusal (ENOBUFS) instead of hiding it. */
	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)) < 0) {
		fprintf(stderr, "xl-blast: setsockopt: %s\n", errno_name(errno));
		return close_failed(fd);
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "xl-blast: connect %s:%u: %s\n", o->dst, o->port, errno_name(errno));
		return close_failed(fd);
	}
	return fd;
}

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

/* The frame --packet sends: Ethernet, IPv4 (checksummed), UDP without a
 * checksum (allowed for IPv4), payload of 'x'. Returns its length. The
 * headers are built aligned and copied in: after 14 bytes of Ethernet the
 * IP header is not 4-byte aligned in the frame. */
static int build_frame(const struct opts *o, const unsigned char src_mac[6], char *buf,
		       size_t len)
{
	struct ether_header eth = { .ether_type = htons(ETHERTYPE_IP) };
	struct iphdr ip;
	struct udphdr udp;
	unsigned m[6];
	size_t total = FRAME_HDRS + o->size;

	if (total > len)
		return -EMSGSIZE;
	if (sscanf(o->dst_mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6) {
		fprintf(stderr, "xl-blast: not a MAC address: %s\n", o->dst_mac);
		return -EINVAL;
	}
	for (int i = 0; i < 6; i++)
		eth.ether_dhost[i] = (unsigned char)m[i];
	memcpy(eth.ether_shost, src_mac, 6);
	ip = (struct iphdr){
		.version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP,
		.tot_len = htons((uint16_t)(total - sizeof(eth))),
		.frag_off = htons(IP_DF),
	};
	if (inet_pton(AF_INET, o->src, &ip.saddr) != 1 || inet_pton(AF_INET, o->dst, &ip.daddr) != 1) {
		fprintf(stderr, "xl-blast: not IPv4 addresses: %s, %s\n", o->src, o->dst);
		return -EINVAL;
	}
	ip.check = ip_checksum(&ip, sizeof(ip));
	udp = (struct udphdr){
		.source = htons(o->port), .dest = htons(o->port),
		.len = htons((uint16_t)(sizeof(udp) + o->size)),
	};
	memset(buf, 'x', total);
	memcpy(buf, &eth, sizeof(eth));
	memcpy(buf + sizeof(eth), &ip, sizeof(ip));
	memcpy(buf + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
	return (int)total;
}

/* An AF_PACKET socket bound to --packet's device, past the qdisc. */
static int open_packet_sender(const struct opts *o, unsigned char ret_mac[6])
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xl-blast: AF_PACKET socket: %s\n", errno_name(errno));
		return -errno;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		fprintf(stderr, "xl-blast: %s: SIOCGIFHWADDR: %s\n", o->ifname, errno_name(errno));
		return close_failed(fd);
	}
	memcpy(ret_mac, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_ifindex = (int)if_nametoindex(o->ifname);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "xl-blast: %s: %s\n", o->ifname, errno_name(errno));
		return close_failed(fd);
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "xl-blast: %s: %s\n", o->ifname, errno_name(errno));
		return close_failed(fd);
	}
	return fd;
}

/* An error queued by IP_RECVERR (e.g. an ICMP error) fails the next send
 * until it is read; read it so that sending can go on, and say so. */
static void drain_error_queue(int fd, unsigned long *queued)
{
	char buf[64], ctl[512];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl),
	};

	while (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0) {
		(*queued)++;
		mh.msg_controllen = sizeof(ctl);
	}
}

struct tally {
	unsigned long sent;
	unsigned long calls;
	unsigned long refused[MAX_ERRNO];	/* sendmmsg failures by errno: one message each */
	unsigned long short_counts;		/* short returns: the next message failed, errno unknown */
	unsigned long errqueue;			/* errors read off the error queue */
};

/* One sending thread: its own socket, pinned to its own CPU, so that with
 * a multi-queue veth each thread's frames take their own queue (AF_PACKET
 * picks the queue by CPU) and the peer's NAPI runs on that CPU. */
struct sender {
	const struct opts *o;
	pthread_t thread;
	int cpu;		/* -1: not pinned */
	double rate;		/* this thread's share */
	double t0;		/* common start */
	int err;
	struct tally t;
};

static int open_socket(const struct opts *o, char *payload, size_t size, size_t *ret_len)
{
	unsigned char src_mac[6];
	int fd, r;

	if (!o->ifname) {
		fd = open_sender(o);
		*ret_len = o->size;
		return fd;
	}
	fd = open_packet_sender(o, src_mac);
	if (fd < 0)
		return fd;
	r = build_frame(o, src_mac, payload, size);
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_len = (size_t)r;
	return fd;
}

static void *send_loop(void *arg)
{
	struct sender *sd = arg;
	const struct opts *o = sd->o;
	struct tally *t = &sd->t;
	struct mmsghdr msgs[MAX_BATCH];
	char payload[FRAME_HDRS + 1472];
	struct iovec iov;
	double last, tokens = 0, burst;
	size_t len;
	int fd;

	if (sd->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(sd->cpu, &set);
		/* Best effort: unpinned, the rate is the same, only the queue
		 * and so the NAPI instance may be shared. */
		sched_setaffinity(0, sizeof(set), &set);
	}
	memset(payload, 'x', sizeof(payload));
	fd = open_socket(o, payload, sizeof(payload), &len);
	if (fd < 0) {
		sd->err = fd;
		return NULL;
	}
	iov = (struct iovec){ .iov_base = payload, .iov_len = len };
	memset(msgs, 0, sizeof(msgs));
	for (unsigned i = 0; i < o->batch; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	/* A bucket of at most 20 ms of packets (and at least one batch):
	 * steady, without a long catch-up burst after the sender was kept off
	 * the CPU, yet deep enough for the coarse wake-ups of an emulated CPU
	 * (a sleep under qemu TCG can take milliseconds). */
	burst = sd->rate * 0.02 > o->batch ? sd->rate * 0.02 : o->batch;
	last = sd->t0;
	for (;;) {
		unsigned want = o->batch;
		double t_now = now();
		int n;

		if (stop || (o->seconds > 0 && t_now - sd->t0 >= o->seconds))
			break;
		if (sd->rate > 0) {
			tokens += sd->rate * (t_now - last);
			if (tokens > burst)
				tokens = burst;
			last = t_now;
			/* Wait for a whole batch: one wake-up per batch, not per packet. */
			if (tokens < want) {
				sleep_for((want - tokens) / sd->rate);
				continue;
			}
		}
		n = sendmmsg(fd, msgs, want, 0);
		t->calls++;
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			t->refused[e < MAX_ERRNO ? e : 0]++;
			if (!o->ifname)
				drain_error_queue(fd, &t->errqueue);
			/* ENOBUFS and the like: the device is full, let it drain. */
			sleep_for(50e-6);
			continue;
		}
		/* A short count: message n failed (sendmmsg keeps its error to
		 * itself) and is sent again. Only accepted packets use tokens. */
		if ((unsigned)n < want)
			t->short_counts++;
		t->sent += (unsigned long)n;
		tokens -= n;
	}
	close(fd);
	return NULL;
}

static void add_tally(struct tally *sum, const struct tally *t)
{
	sum->sent += t->sent;
	sum->calls += t->calls;
	sum->short_counts += t->short_counts;
	sum->errqueue += t->errqueue;
	for (int e = 0; e < MAX_ERRNO; e++)
		sum->refused[e] += t->refused[e];
}

/* "refused_total": every attempt the kernel turned down, which is what a
 * device that reports its drops (veth: NET_XMIT_DROP, i.e. ENOBUFS) has
 * counted in its tx_dropped without them ever being "sent". */
static void print_tally(const struct opts *o, const struct tally *t, double secs)
{
	unsigned long total = t->short_counts;
	const char *sep = "";

	for (int e = 0; e < MAX_ERRNO; e++)
		total += t->refused[e];
	printf("{\"sent\": %lu, \"seconds\": %.3f, \"pps\": %.0f, \"rate\": %.0f, "
	       "\"mode\": \"%s\", \"threads\": %u, \"batch\": %u, \"size\": %u, \"calls\": %lu, "
	       "\"errqueue\": %lu, \"refused_total\": %lu, \"short_counts\": %lu, \"refused\": {",
	       t->sent, secs, secs > 0 ? (double)t->sent / secs : 0.0, o->rate,
	       o->ifname ? "packet" : "udp", o->threads, o->batch, o->size, t->calls,
	       t->errqueue, total, t->short_counts);
	for (int e = 0; e < MAX_ERRNO; e++) {
		if (!t->refused[e])
			continue;
		printf("%s\"%s\": %lu", sep, errno_name(e), t->refused[e]);
		sep = ", ";
	}
	printf("}}\n");
}

static int run_sender(const struct opts *o)
{
	struct sender sd[MAX_THREADS];
	struct tally sum = { 0 };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double t0 = now();
	unsigned started = 0;
	int r = 0;

	for (unsigned i = 0; i < o->threads; i++) {
		sd[i] = (struct sender){
			.o = o, .t0 = t0, .rate = o->rate / o->threads,
			.cpu = o->threads > 1 && ncpu > 0 ? (int)(i % (unsigned long)ncpu) : -1,
		};
		r = -pthread_create(&sd[i].thread, NULL, send_loop, &sd[i]);
		if (r < 0) {
			fprintf(stderr, "xl-blast: pthread_create: %s\n", errno_name(r));
			stop = 1;
			break;
		}
		started++;
	}
	for (unsigned i = 0; i < started; i++) {
		pthread_join(sd[i].thread, NULL);
		if (sd[i].err < 0)
			r = sd[i].err;
		add_tally(&sum, &sd[i].t);
	}
	if (r < 0)
		return 1;
	print_tally(o, &sum, now() - t0);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xl-blast --dst ADDR --port PORT [--rate PPS] [--seconds S] "
		   "[--batch N] [--size BYTES] [--threads N]\n"
		   "                [--packet IFNAME --src ADDR --dst-mac MAC]\n"
		   "       xl-blast --sink --port PORT\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' },
		{ "size", required_argument, NULL, 'z' },
		{ "sink", no_argument, NULL, 'k' },
		{ "threads", required_argument, NULL, 't' },
		{ "packet", required_argument, NULL, 'P' },
		{ "src", required_argument, NULL, 'S' },
		{ "dst-mac", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	*o = (struct opts){ .rate = 50000, .batch = 32, .size = 18, .threads = 1 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dst = optarg; break;
		case 'p': o->port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': o->rate = strtod(optarg, NULL); break;
		case 's': o->seconds = strtod(optarg, NULL); break;
		case 'b': o->batch = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'z': o->size = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': o->sink = true; break;
		case 't': o->threads = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'P': o->ifname = optarg; break;
		case 'S': o->src = optarg; break;
		case 'M': o->dst_mac = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind != argc || !o->port || o->port > 65535 || (!o->sink && !o->dst) ||
	    !o->batch || o->batch > MAX_BATCH || o->size > 1472 || o->rate < 0 ||
	    (o->ifname && (!o->src || !o->dst_mac)) || !o->threads || o->threads > MAX_THREADS) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	if (install_signals() < 0)
		return 1;
	/* A full line per report, even through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return o.sink ? run_sink(&o) : run_sender(&o);
}
