; primes.s — counts the primes below 10000 by trial division and prints the count.
; A bare program: a little arithmetic workload for the CPU (div/rem, loops, calls).

        .equ CONSOLE, 0x10
        .equ POWER, 0xF0
        .equ LIMIT, 10000

_start: mov sp, 0x80000          ; a supervisor stack well above the code
        mov r5, 0               ; r5 = number of primes found
        mov r1, 2               ; r1 = candidate
next:   cmp r1, LIMIT
        jae report
        call is_prime           ; r0 = 1 if r1 is prime
        add r5, r5, r0
        add r1, r1, 1
        jmp next

report: mov r1, label
        call puts
        mov r1, r5
        call print_uint
        mov r1, newline
        call puts
        out POWER, 0

; is_prime: r0 = 1 if r1 (≥ 2) is prime, else 0. Clobbers r2, r3.
is_prime:
        mov r2, 2               ; r2 = divisor
ip_loop:
        mul r3, r2, r2
        cmp r3, r1
        ja ip_yes               ; divisor² > n: no divisor found
        rem r3, r1, r2
        cmp r3, 0
        jz ip_no
        add r2, r2, 1
        jmp ip_loop
ip_yes: mov r0, 1
        ret
ip_no:  mov r0, 0
        ret

; puts: write the NUL-terminated string at r1. Clobbers r1, r2.
puts:   ldb r2, [r1]
        cmp r2, 0
        jz puts_end
        out CONSOLE, r2
        add r1, r1, 1
        jmp puts
puts_end:
        ret

; print_uint: write r1 in decimal. Clobbers r1–r4.
print_uint:
        mov r4, digits_end      ; fill the buffer backwards
pu_loop:
        sub r4, r4, 1
        rem r2, r1, 10
        add r2, r2, '0'
        stb r2, [r4]
        div r1, r1, 10
        cmp r1, 0
        jnz pu_loop
        mov r1, r4
        jmp puts

label:  .asciz "primes below 10000: "
newline: .asciz "\n"
digits: .space 12
digits_end: .byte 0
