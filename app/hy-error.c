#include "config.h"

#include "hy-error.h"

G_DEFINE_QUARK (hy - error - quark, hy_error)
