/* bundle: the images of a page bundle, checked and read.
 *
 * Part of the load stage (article_set calls it after a file parsed). An
 * article that is a folder, content/2022/<slug>/index.md, may show the image
 * files beside it, in that folder or below (img/photo.jpg), in its body
 * (![说明](img/photo.jpg)) and in its captions ({image: …, text: …}). Each
 * one is read into the arena with its type and size (imagesize.h); render
 * copies it next to the report's page and writes its width and height.
 *
 * The rules, each broken one an error at the image's place:
 *  - an http://, https:// or // address is left as it is (no size);
 *  - any other scheme (data:, file: …) is refused;
 *  - a file must be relative, stay inside the bundle (no `/x.png`, no `..`
 *    above the folder, no symbolic link out of it), use only a-z, A-Z,
 *    0-9, '.', '_' and '-' in its names (they become part of the page's
 *    address) with no name beginning with '.', end in .png, .jpg, .jpeg,
 *    .webp, .gif, .svg or .avif, exist, and be an image of that type;
 *  - only a bundle holds image files: a relative image in a plain
 *    content/2022/x.md, or in a printed page's note (kind: page, shown on
 *    its series page), is refused with what to do instead. */
#ifndef BUNDLE_H
#define BUNDLE_H

#include "diag.h"
#include "site.h"

/* Finds every image of art (art->bundle set by the caller for a bundle's
 * index.md), checks it and reads it into art->images. Returns 0, or -1
 * after reporting each bad image through d. */
int bundle_load_images(struct arena *a, struct diag *d, struct article *art);

/* The image of art whose url is `url`, or NULL. */
const struct image *bundle_image(const struct article *art, const char *url);

#endif
