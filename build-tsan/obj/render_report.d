build-tsan/obj/render_report.o: generator/render_report.c \
 generator/markdown.h generator/buf.h generator/render.h generator/diag.h \
 generator/site.h generator/arena.h generator/value.h
generator/markdown.h:
generator/buf.h:
generator/render.h:
generator/diag.h:
generator/site.h:
generator/arena.h:
generator/value.h:
