"""Web screens, one module per audience: public (citizens), staff (cases), queues (dispatcher, unit,
leader), console (operator), knowledge (知识库), auth."""
