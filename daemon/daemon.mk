# daemon/daemon.mk, included by the top-level Makefile.
