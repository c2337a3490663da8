/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Closing what peers sent us, off the event loop. The last close() of a
 * file runs its release in the closing thread: a TCP socket with SO_LINGER
 * and unsent data waits there up to its linger time (inet_release() passes
 * sk_lingertime to tcp_close()), a FUSE file waits on its server's FLUSH.
 * The same holds for a connection socket whose unread messages still carry
 * such fds: closing it drops them. So every fd a peer could have chosen is
 * closed by a small pool of threads here, and a socket's SO_LINGER is
 * cleared first (timeout 0: tcp_close() does not wait) so that the pool
 * itself is not stuck unless the peer races us to set it again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vl-closer.h"
#include "xl-util.h"

/* Threads blocked in close() at once before the next fd must wait for one. */
#define CLOSER_THREADS_MAX 8U

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int *queue;                /* a ring of fds to close */
	size_t head, len, alloc;
	unsigned threads, idle;
	unsigned long pending;     /* queued or being closed */
	unsigned long slow;        /* closes that took over a second */
} closer = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

static void *closer_main(void *arg _unused_)
{
	pthread_mutex_lock(&closer.lock);
	for (;;) {
		uint64_t t;
		int fd;

		while (closer.len == 0)
			pthread_cond_wait(&closer.wake, &closer.lock);
		fd = closer.queue[closer.head];
		closer.head = (closer.head + 1) % closer.alloc;
		closer.len--;
		closer.idle--;
		pthread_mutex_unlock(&closer.lock);

		t = now_usec();
		(void)close(fd);   /* EINTR/EIO: the fd is gone all the same on Linux */
		t = now_usec() - t;

		pthread_mutex_lock(&closer.lock);
		closer.idle++;
		closer.pending--;
		closer.slow += t >= 1000000ULL;
	}
	return NULL;
}

/* With the lock held. */
static int closer_grow(void)
{
	size_t n = closer.alloc ? closer.alloc * 2 : 64;
	int *q = malloc(n * sizeof(*q));

	if (!q)
		return -ENOMEM;
	for (size_t i = 0; i < closer.len; i++)
		q[i] = closer.queue[(closer.head + i) % closer.alloc];
	free(closer.queue);
	closer.queue = q;
	closer.head = 0;
	closer.alloc = n;
	return 0;
}

/* With the lock held: one more thread when none is free, up to the pool size. */
static void closer_spawn(void)
{
	pthread_attr_t attr;
	pthread_t t;

	if (closer.idle > 0 || closer.threads >= CLOSER_THREADS_MAX)
		return;
	if (pthread_attr_init(&attr) != 0)
		return;
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* close() needs little stack; 64 KiB keeps 8 threads cheap. */
	(void)pthread_attr_setstacksize(&attr, 64 * 1024);
	if (pthread_create(&t, &attr, closer_main, NULL) == 0) {
		closer.threads++;
		closer.idle++;
	}
	pthread_attr_destroy(&attr);
}

/* A socket closes without lingering: SO_LINGER off. Anything else is left as it is. */
void vl_fd_disarm(int fd)
{
	static const struct linger off = { .l_onoff = 0, .l_linger = 0 };
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof(off));
}

void vl_close_untrusted(int fd)
{
	bool queued = false;

	if (fd < 0)
		return;
	vl_fd_disarm(fd);
	pthread_mutex_lock(&closer.lock);
	closer_spawn();
	if (closer.threads > 0 && (closer.len < closer.alloc || closer_grow() == 0)) {
		closer.queue[(closer.head + closer.len) % closer.alloc] = fd;
		closer.len++;
		closer.pending++;
		queued = true;
		pthread_cond_signal(&closer.wake);
	}
	pthread_mutex_unlock(&closer.lock);
	/* No thread and no memory: better a close that may wait than a leak. */
	if (!queued)
		(void)close(fd);
}

void vl_close_untrusted_many(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0) {
			vl_close_untrusted(fds[i]);
			fds[i] = -EBADF;
		}
}

unsigned long vl_closer_pending(void)
{
	unsigned long n;

	pthread_mutex_lock(&closer.lock);
	n = closer.pending;
	pthread_mutex_unlock(&closer.lock);
	return n;
}

unsigned long vl_closer_slow(void)
{
	unsigned long n;

	pthread_mutex_lock(&closer.lock);
	n = closer.slow;
	pthread_mutex_unlock(&closer.lock);
	return n;
}

/*
 * Refused connections, each kept until its peer hangs up or its time is
 * up, then closed: the peer reads the answer sent before, instead of a
 * reset on a write it has not made yet. One thread watches them all with
 * epoll, so that a refusal costs the event loop a few syscalls and no
 * event source. All wait the same time, so a ring in arrival order holds
 * the deadlines; a generation per fd number tells an entry whose fd was
 * closed already (and maybe reused) from a live one.
 */
#define REAPER_LIVE_MAX 1024U
/* Entries stay in the ring until their deadline, even once closed. */
#define REAPER_MAX (8U * REAPER_LIVE_MAX)

struct reap {
	int fd;
	uint32_t gen;
	uint64_t deadline;
};

static struct {
	pthread_mutex_t lock;
	struct reap ring[REAPER_MAX];
	unsigned head, n;
	unsigned live;
	uint32_t *gens;            /* by fd number: the live entry's, 0: none */
	size_t n_gens;
	uint32_t next_gen;
	int epfd;                  /* -1 until the thread runs */
	bool failed;               /* no thread: close at once */
} reaper = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.epfd = -1,
};

/* With the lock held: fd leaves the watch (if live); the caller closes it. */
static bool reaper_forget(int fd, uint32_t gen)
{
	if (fd < 0 || (size_t)fd >= reaper.n_gens || reaper.gens[fd] != gen || gen == 0)
		return false;
	reaper.gens[fd] = 0;
	reaper.live--;
	(void)epoll_ctl(reaper.epfd, EPOLL_CTL_DEL, fd, NULL);
	return true;
}

static void *reaper_main(void *arg _unused_)
{
	struct epoll_event ev[64];

	for (;;) {
		static int ripe[64 + REAPER_MAX];
		int n_ripe = 0, n, ms = 1000;
		uint64_t t;

		pthread_mutex_lock(&reaper.lock);
		if (reaper.n > 0) {
			uint64_t d = reaper.ring[reaper.head].deadline;

			t = now_usec();
			ms = d > t ? (int)((d - t + 999) / 1000) : 0;
		}
		pthread_mutex_unlock(&reaper.lock);
		n = epoll_wait(reaper.epfd, ev, (int)ELEMENTSOF(ev), ms);
		t = now_usec();

		pthread_mutex_lock(&reaper.lock);
		for (int i = 0; i < n; i++)
			if (reaper_forget((int)(ev[i].data.u64 >> 32), (uint32_t)ev[i].data.u64))
				ripe[n_ripe++] = (int)(ev[i].data.u64 >> 32);
		while (reaper.n > 0 && reaper.ring[reaper.head].deadline <= t) {
			struct reap *r = &reaper.ring[reaper.head];

			if (reaper_forget(r->fd, r->gen))
				ripe[n_ripe++] = r->fd;
			reaper.head = (reaper.head + 1) % REAPER_MAX;
			reaper.n--;
		}
		pthread_mutex_unlock(&reaper.lock);
		for (int i = 0; i < n_ripe; i++)
			vl_close_untrusted(ripe[i]);
	}
	return NULL;
}

/* With the lock held. */
static bool reaper_start(void)
{
	pthread_attr_t attr;
	pthread_t t;
	bool ok = false;

	if (reaper.epfd >= 0 || reaper.failed)
		return reaper.epfd >= 0;
	reaper.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (reaper.epfd >= 0 && pthread_attr_init(&attr) == 0) {
		(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		ok = pthread_create(&t, &attr, reaper_main, NULL) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!ok) {
		reaper.epfd = safe_close(reaper.epfd);
		reaper.failed = true;
	}
	return ok;
}

/* With the lock held: room in gens for fd. */
static bool reaper_gens_fit(int fd)
{
	size_t n = reaper.n_gens ? reaper.n_gens : 1024;
	uint32_t *g;

	while (n <= (size_t)fd)
		n *= 2;
	if (n == reaper.n_gens)
		return true;
	g = realloc(reaper.gens, n * sizeof(*g));
	if (!g)
		return false;
	memset(g + reaper.n_gens, 0, (n - reaper.n_gens) * sizeof(*g));
	reaper.gens = g;
	reaper.n_gens = n;
	return true;
}

void vl_close_after_hangup(int fd, uint64_t timeout_usec)
{
	bool queued = false;

	if (fd < 0)
		return;
	pthread_mutex_lock(&reaper.lock);
	if (reaper.n < REAPER_MAX && reaper.live < REAPER_LIVE_MAX && reaper_start() &&
	    reaper_gens_fit(fd)) {
		uint32_t gen = ++reaper.next_gen ?: ++reaper.next_gen;
		struct epoll_event ev = { .events = EPOLLRDHUP,
					  .data.u64 = (uint64_t)(uint32_t)fd << 32 | gen };

		if (epoll_ctl(reaper.epfd, EPOLL_CTL_ADD, fd, &ev) == 0) {
			reaper.gens[fd] = gen;
			reaper.live++;
			reaper.ring[(reaper.head + reaper.n) % REAPER_MAX] =
				(struct reap){ fd, gen, now_usec() + timeout_usec };
			reaper.n++;
			queued = true;
		}
	}
	pthread_mutex_unlock(&reaper.lock);
	/* Full: under such a flood a peer that has not written yet may see a reset. */
	if (!queued)
		vl_close_untrusted(fd);
}
