#!/bin/bash
# Test-only dracut module for test/e2e: reports what the network handler did
# on the serial console and powers the guest off. Not part of earlynet.

# called by dracut
check() {
    return 255
}

# called by dracut
depends() {
    return 0
}

# called by dracut
install() {
    inst_multiple ip
    inst_hook cmdline 98 "$moddir/e2e-cmdline.sh"
    inst_hook pre-udev 00 "$moddir/e2e-preudev.sh"
    inst_hook initqueue/online 50 "$moddir/e2e-online.sh"
    inst_hook pre-mount 99 "$moddir/e2e-report.sh"
}
