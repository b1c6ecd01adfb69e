/*  The default election config, built into every binary (see tr_config.h,
    tr_config_load_default). DEFAULT_CONFIG is set by the Makefile.         */
    .section .rodata
    .global tr_config_embedded_yaml
    .global tr_config_embedded_yaml_end
tr_config_embedded_yaml:
    .incbin DEFAULT_CONFIG
tr_config_embedded_yaml_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
