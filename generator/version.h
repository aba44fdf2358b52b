/* The generator's version: the one place it is defined (`sitegen --version`;
 * the man page and README do not repeat it). */
#ifndef VERSION_H
#define VERSION_H

#define SITEGEN_VERSION "1.0.0"

#endif
