// Linked against one layer (whole) and the layers below it only: it links exactly when that
// layer uses nothing from a layer above it. Running it checks nothing more.
int main() { return 0; }
