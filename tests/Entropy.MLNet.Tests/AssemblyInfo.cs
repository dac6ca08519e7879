// Tests that touch process-wide TorchSharp state (thread count, RSS) opt out with [DoNotParallelize].
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]
