/* CWardenBackend is header-only; SwiftPM needs one source file per C target. */
#include "warden_backend.h"
