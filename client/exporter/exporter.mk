# client/exporter/exporter.mk, included by client/client.mk: xdplink-exporter,
# the OpenMetrics exporter over libxdplink-client, and its unit test.
EXPORTER_SRCS := $(filter-out client/exporter/exporter.c,$(wildcard client/exporter/*.c))
EXPORTER_OBJS := $(EXPORTER_SRCS:client/exporter/%.c=$(B)/client/exporter/%.o)
EXPORTER_CFLAGS := $(CLIENT_CFLAGS) -Iclient/exporter -pthread
all: $(B)/xdplink-exporter

$(B)/client/exporter/%.o: client/exporter/%.c $(wildcard client/exporter/*.h) \
		lib/include/xdplink/xdplink-client.h lib/xl-util.h | $(B)/client/exporter
	$(CC) $(CFLAGS) $(EXPORTER_CFLAGS) -c $< -o $@

# jansson and libsystemd (sd_listen_fds) only, like xdpctl: no libbpf.
$(B)/xdplink-exporter: $(B)/client/exporter/exporter.o $(EXPORTER_OBJS) $(B)/libxdplink-client.a
	$(CC) $(LDFLAGS) -pthread -o $@ $^ $(XLC_LIBS) -lsystemd

$(B)/client/exporter:
	mkdir -p $@

# HTTP heads and the rendering: pure, no daemon, no socket.
$(B)/tests/test-exporter: tests/unit/test-exporter.c $(EXPORTER_OBJS) | $(B)/tests
	$(CC) $(CFLAGS) $(EXPORTER_CFLAGS) $(LDFLAGS) -o $@ $< $(EXPORTER_OBJS) -ljansson -lcmocka
