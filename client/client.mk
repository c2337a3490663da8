# client/client.mk, included by the top-level Makefile.
