// torch's global state (seed, threads) and the 2-core machine: run the Lab tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
