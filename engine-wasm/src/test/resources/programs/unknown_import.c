// Imports a function nobody provides: the module must be refused before it runs.
__attribute__((import_module("env"), import_name("launch_missiles"))) int launch_missiles(void);

int main(void) { return launch_missiles(); }
