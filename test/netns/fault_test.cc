// placeholder: filled in by the fault-suite work (issue 12)
#include "test/netns/run_fixture.h"
