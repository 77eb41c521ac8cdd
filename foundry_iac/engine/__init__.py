"""The offline engine: find the stacks, run the Pulumi program on mocks, judge it with the policy pack and build
the typed report (cost, quota, the stack diff, the ARM export); no network."""
