// placeholder: to be written
#include <doctest/doctest.h>
