build-tsan/obj/value.o: generator/value.c generator/value.h \
 generator/arena.h
generator/value.h:
generator/arena.h:
