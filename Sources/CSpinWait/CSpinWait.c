// Everything is in include/CSpinWait.h (static inline); SwiftPM needs one source file.
#include "CSpinWait.h"
