build-tsan/obj/tmpl_parse.o: generator/tmpl_parse.c generator/tmpl.h \
 generator/arena.h generator/buf.h generator/diag.h generator/value.h \
 generator/xalloc.h
generator/tmpl.h:
generator/arena.h:
generator/buf.h:
generator/diag.h:
generator/value.h:
generator/xalloc.h:
