"""Formulas compiled to torch: one vectorised program from the variable cells to the objective."""
from gdsheet.compile.lval import CompileError
from gdsheet.compile.program import Program, compile_program

__all__ = ["compile_program", "Program", "CompileError"]
