// A shared object that looks like a plugin by name but exports no descriptor.
extern "C" __attribute__((visibility("default"))) int not_a_plugin_marker() {
    return 42;
}
