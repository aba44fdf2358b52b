build-tsan/obj/diag.o: generator/diag.c generator/diag.h generator/buf.h
generator/diag.h:
generator/buf.h:
