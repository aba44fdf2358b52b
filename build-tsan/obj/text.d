build-tsan/obj/text.o: generator/text.c generator/text.h \
 generator/arena.h generator/buf.h generator/xalloc.h
generator/text.h:
generator/arena.h:
generator/buf.h:
generator/xalloc.h:
