build-tsan/obj/threads.o: generator/threads.c generator/threads.h
generator/threads.h:
