$D/audit2rbac-demo/demo.log
