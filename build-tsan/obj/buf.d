build-tsan/obj/buf.o: generator/buf.c generator/buf.h generator/xalloc.h
generator/buf.h:
generator/xalloc.h:
