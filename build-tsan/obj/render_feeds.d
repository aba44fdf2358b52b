build-tsan/obj/render_feeds.o: generator/render_feeds.c \
 generator/render.h generator/buf.h generator/diag.h generator/site.h \
 generator/arena.h generator/value.h
generator/render.h:
generator/buf.h:
generator/diag.h:
generator/site.h:
generator/arena.h:
generator/value.h:
