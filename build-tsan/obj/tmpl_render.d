build-tsan/obj/tmpl_render.o: generator/tmpl_render.c generator/tmpl.h \
 generator/arena.h generator/buf.h generator/diag.h generator/value.h
generator/tmpl.h:
generator/arena.h:
generator/buf.h:
generator/diag.h:
generator/value.h:
