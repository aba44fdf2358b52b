build-tsan/obj/render_places.o: generator/render_places.c \
 generator/render.h generator/buf.h generator/diag.h generator/site.h \
 generator/arena.h generator/value.h
generator/render.h:
generator/buf.h:
generator/diag.h:
generator/site.h:
generator/arena.h:
generator/value.h:
