build-tsan/obj/markdown.o: generator/markdown.c generator/markdown.h \
 generator/buf.h generator/text.h generator/arena.h
generator/markdown.h:
generator/buf.h:
generator/text.h:
generator/arena.h:
