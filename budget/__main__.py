from budget.cli import main

main()
