from budget.cli.group import main

main()
