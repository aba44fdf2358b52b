build-tsan/obj/render_dates.o: generator/render_dates.c \
 generator/render.h generator/buf.h generator/diag.h generator/site.h \
 generator/arena.h generator/value.h generator/text.h
generator/render.h:
generator/buf.h:
generator/diag.h:
generator/site.h:
generator/arena.h:
generator/value.h:
generator/text.h:
