/* xl-ringbuf MAP_ID: drain a BPF ring buffer by map id and print how many
 * records it held (tests/integration/corpus.bats reads the ringbuf shape). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int count_record(void *ctx, void *data, size_t size)
{
	(void)data;
	(void)size;
	++*(unsigned long *)ctx;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long records = 0;
	struct ring_buffer *rb;
	char *end;
	long id;
	int fd, r;

	if (argc != 2) {
		fprintf(stderr, "usage: %s MAP_ID\n", argv[0]);
		return 2;
	}
	errno = 0;
	id = strtol(argv[1], &end, 10);
	if (errno || *end || id <= 0 || id > UINT32_MAX) {
		fprintf(stderr, "xl-ringbuf: not a map id: %s\n", argv[1]);
		return 2;
	}
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0) {
		fprintf(stderr, "xl-ringbuf: map %ld: %s\n", id, strerror(errno));
		return 1;
	}
	rb = ring_buffer__new(fd, count_record, &records, NULL);
	if (!rb) {
		fprintf(stderr, "xl-ringbuf: ring buffer of map %ld: %s\n", id, strerror(errno));
		close(fd);
		return 1;
	}
	r = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	close(fd);
	if (r < 0) {
		fprintf(stderr, "xl-ringbuf: consume map %ld: %s\n", id, strerror(-r));
		return 1;
	}
	printf("%lu\n", records);
	return 0;
}
