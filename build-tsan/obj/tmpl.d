build-tsan/obj/tmpl.o: generator/tmpl.c generator/tmpl.h \
 generator/arena.h generator/buf.h generator/diag.h generator/value.h \
 generator/xalloc.h
generator/tmpl.h:
generator/arena.h:
generator/buf.h:
generator/diag.h:
generator/value.h:
generator/xalloc.h:
