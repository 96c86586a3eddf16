; a user program trying to escape: every attempt must end in #GP (the kernel kills it)
_start:
        mov r1, 0x12345678
        st r1, [0x200000]       ; outside its segment and the partition
        out 0xf0, 1             ; never reached
