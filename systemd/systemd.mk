# systemd/systemd.mk, included by the top-level Makefile.
