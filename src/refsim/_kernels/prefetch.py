"""A software prefetch for numba kernels: ``prefetch(arr, i)`` asks the CPU to start
loading ``arr[i]`` into cache and returns at once. It changes no value, so a kernel's
results do not depend on where (or whether) it prefetches; it only lets independent
cache misses overlap on graphs too large for the cache.
"""

from numba import config, types
from numba.extending import intrinsic

if config.DISABLE_JIT:  # plain Python (mutation runs): nothing to hint

    def prefetch(arr, idx):
        """Do nothing: without the compiler there is no cache hint to give."""

else:
    from llvmlite import ir
    from numba.core import cgutils

    @intrinsic
    def prefetch(typingctx, arr, idx):
        """Emit LLVM's ``prefetch`` (read, high locality) for ``arr[idx]``; no bounds
        check and no load, so any ``idx`` in range is safe."""
        if not isinstance(arr, types.Array) or not isinstance(idx, types.Integer):
            return None
        sig = types.void(arr, idx)

        def codegen(context, builder, signature, args):
            ary = context.make_array(signature.args[0])(context, builder, args[0])
            ptr = builder.gep(ary.data, [args[1]])
            byte = ir.IntType(8).as_pointer()
            i32 = ir.IntType(32)
            fnty = ir.FunctionType(ir.VoidType(), [byte, i32, i32, i32])
            fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
            builder.call(fn, [builder.bitcast(ptr, byte), i32(0), i32(3), i32(1)])
            return context.get_dummy_value()

        return sig, codegen
