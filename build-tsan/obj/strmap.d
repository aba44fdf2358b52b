build-tsan/obj/strmap.o: generator/strmap.c generator/strmap.h \
 generator/arena.h
generator/strmap.h:
generator/arena.h:
